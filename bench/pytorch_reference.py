"""PyTorch yardsticks for CudaPrune, run on the GPU machine (it has PyTorch; no .NET, no internet).

    python3 bench/pytorch_reference.py <subcommand> --help

Each subcommand lives in its own module next to this file and registers itself through add_parser:
  models   our checkpoints as PyTorch models: logits cross-check, eager and CUDA-graph timings
           (bench/pytorch_models.py; usage in docs/INTEROP.md)
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pytorch_models  # noqa: E402  (after the path line: the modules sit beside this script)

# One line per subcommand module.
SUBCOMMANDS = [
    pytorch_models,
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module in SUBCOMMANDS:
        module.add_parser(subparsers)
    args = parser.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
