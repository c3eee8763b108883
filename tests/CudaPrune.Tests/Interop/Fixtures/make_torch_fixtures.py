"""Writes the torch.onnx exports the import tests read (run once; needs torch and onnx):

    python3 tests/CudaPrune.Tests/Interop/Fixtures/make_torch_fixtures.py

A tiny CIFAR ResNet (conv1 3->4, one identity block, one stride-2 projection block 4->8, the
F.avg_pool2d + view head of the popular CIFAR ResNet code, linear 8->10) with random batch-norm
statistics, exported twice with torch.onnx's TorchScript exporter (opset 17, dynamic batch):
  tiny_resnet_folded.onnx  the default: batch norms folded into conv biases (onnx::Conv_N constants)
  tiny_resnet_bn.onnx      do_constant_folding=False, training=PRESERVE: BatchNormalization nodes
Made with torch 1.13.1 (Debian's python3-torch) and onnx 1.12.
"""
import os

import torch
import torch.nn.functional as F
from torch import nn


class Block(nn.Module):
    def __init__(self, i, o, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(i, o, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(o)
        self.conv2 = nn.Conv2d(o, o, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(o)
        self.shortcut = nn.Sequential()
        if stride != 1 or i != o:
            self.shortcut = nn.Sequential(nn.Conv2d(i, o, 1, stride, bias=False), nn.BatchNorm2d(o))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out += self.shortcut(x)
        return F.relu(out)


class TinyResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(4)
        self.layer1 = nn.Sequential(Block(4, 4, 1))
        self.layer2 = nn.Sequential(Block(4, 8, 2))
        self.linear = nn.Linear(8, 10)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer2(self.layer1(out))
        out = F.avg_pool2d(out, int(out.size()[3]))
        out = out.view(out.size(0), -1)
        return self.linear(out)


torch.manual_seed(0)
model = TinyResNet()
for m in model.modules():
    if isinstance(m, nn.BatchNorm2d):
        m.running_mean.uniform_(-0.1, 0.1)
        m.running_var.uniform_(0.5, 1.5)
        m.weight.data.uniform_(0.6, 1.4)
        m.bias.data.uniform_(-0.1, 0.1)
model.eval()
here = os.path.dirname(os.path.abspath(__file__))
common = dict(input_names=["input"], output_names=["logits"], dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, opset_version=17)
torch.onnx.export(model, torch.randn(1, 3, 32, 32), os.path.join(here, "tiny_resnet_folded.onnx"), **common)
torch.onnx.export(model, torch.randn(1, 3, 32, 32), os.path.join(here, "tiny_resnet_bn.onnx"),
                  training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=False, **common)
