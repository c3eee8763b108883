// harness.cpp — `emu-run`: runs one kernel of the emulator build on buffers it makes itself, so a
// kernel can be run under AddressSanitizer (which cannot be loaded into dotnet without LD_PRELOAD).
// The build links it with every kernel; docs/EMULATOR.md shows how to call it.
//
//   emu-run KERNEL [--grid X[,Y[,Z]]] [--block X[,Y[,Z]]] [--smem BYTES] [--seed N] [--print I]... ARG...
//   emu-run --list
// ARG, one per kernel parameter, in order:
//   f32[N]  f32[N]=V  i32[N]  i32[N]=V   a buffer of N elements, filled with V (or a fixed pseudo-random
//                                         sequence: floats in [-1, 1), ints in [0, 100)); passes its pointer
//   f32=V  i32=V  u32=V  i64=V           a scalar
// --print I prints buffer argument I (0-based) after the launch.
// Exit status: 0 ran; 2 bad command line; 3 the launch failed (the message says why). ASan reports and
// exits with its own status.
#include "runtime.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Arg {
    bool isBuffer = false;
    bool isFloat = false;
    std::vector<unsigned char> scalar;     // the value of a scalar
    void* buffer = nullptr;                // malloc'd exactly: ASan catches any access past it
    long count = 0;

    // What args[i] points at: the buffer's address, or the scalar's value.
    void* slot() { return isBuffer ? static_cast<void*>(&buffer) : scalar.data(); }
};

[[noreturn]] void usage(const std::string& why) {
    std::fprintf(stderr, "emu-run: %s\n(see the comment at the top of kernels/emu/harness.cpp)\n", why.c_str());
    std::exit(2);
}

uint3 parseDims(const char* s) {
    unsigned v[3] = {1, 1, 1};
    char* end = nullptr;
    for (int i = 0; i < 3; i++) {
        v[i] = static_cast<unsigned>(std::strtoul(s, &end, 10));
        if (end == s) usage(std::string("bad dimensions '") + s + "'");
        if (*end != ',') break;
        s = end + 1;
    }
    if (*end != '\0') usage("bad dimensions");
    return {v[0], v[1], v[2]};
}

Arg parseArg(const std::string& text) {
    Arg a;
    const std::string type = text.substr(0, 3);
    if (type != "f32" && type != "i32" && type != "u32" && type != "i64") usage("bad argument '" + text + "'");
    a.isFloat = type == "f32";
    std::string rest = text.substr(3);
    if (!rest.empty() && rest[0] == '[') {
        const auto close = rest.find(']');
        if (close == std::string::npos || type == "i64" || type == "u32") usage("bad buffer '" + text + "'");
        a.isBuffer = true;
        a.count = std::atol(rest.substr(1, close - 1).c_str());
        a.buffer = std::malloc(static_cast<std::size_t>(a.count) * 4);
        const bool fill = close + 1 < rest.size() && rest[close + 1] == '=';
        const double value = fill ? std::atof(rest.c_str() + close + 2) : 0;
        unsigned s = 12345;
        for (long i = 0; i < a.count; i++) {
            s = s * 1664525u + 1013904223u;
            if (a.isFloat)
                static_cast<float*>(a.buffer)[i] = fill ? static_cast<float>(value) : static_cast<float>(s >> 8) / 8388608.0f - 1.0f;
            else
                static_cast<int*>(a.buffer)[i] = fill ? static_cast<int>(value) : static_cast<int>((s >> 8) % 100);
        }
        return a;
    }
    if (rest.empty() || rest[0] != '=') usage("bad argument '" + text + "'");
    const char* v = rest.c_str() + 1;
    if (type == "f32") {
        const float f = std::strtof(v, nullptr);
        a.scalar.resize(4);
        std::memcpy(a.scalar.data(), &f, 4);
    } else if (type == "i64") {
        const long long l = std::strtoll(v, nullptr, 10);
        a.scalar.resize(8);
        std::memcpy(a.scalar.data(), &l, 8);
    } else {
        const unsigned u = static_cast<unsigned>(std::strtoll(v, nullptr, 10));
        a.scalar.resize(4);
        std::memcpy(a.scalar.data(), &u, 4);
    }
    return a;
}

void printBuffer(int index, const Arg& a) {
    std::printf("arg %d:", index);
    for (long i = 0; i < a.count; i++) {
        if (a.isFloat)
            std::printf(" %.9g", static_cast<double>(static_cast<float*>(a.buffer)[i]));
        else
            std::printf(" %d", static_cast<int*>(a.buffer)[i]);
    }
    std::printf("\n");
}

} // namespace

int main(int argc, char** argv) {
    std::string error;
    if (!emu::initialize(1, error)) {
        std::fprintf(stderr, "emu-run: %s\n", error.c_str());
        return 3;
    }
    if (argc < 2) usage("no kernel named");
    if (std::strcmp(argv[1], "--list") == 0) {
        for (int k = 0; k < emu::kernelCount; k++) {
            const emu::KernelEntry& e = *emu::kernelTable[k];
            std::printf("%s/%s (", e.module, e.name);
            for (int i = 0; i < e.argCount; i++) std::printf("%s%u", i ? ", " : "", e.argSizes[i]);
            std::printf(" bytes)\n");
        }
        for (int i = 0; i < emu::gpuOnlyCount; i++)
            std::printf("%s/%s: GPU only, %s\n", emu::gpuOnlyKernels[i].module, emu::gpuOnlyKernels[i].name,
                        emu::gpuOnlyKernels[i].reason);
        return 0;
    }
    const int k = emu::findKernel(argv[1]);
    if (k < 0) usage(std::string("no kernel named '") + argv[1] + "' (--list lists them)");
    const emu::KernelEntry& e = *emu::kernelTable[k];

    uint3 grid{1, 1, 1}, block{1, 1, 1};
    unsigned smem = 0;
    std::uint64_t seed = 0;
    std::vector<int> prints;
    std::vector<Arg> args;
    for (int i = 2; i < argc; i++) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--grid" && hasValue) grid = parseDims(argv[++i]);
        else if (a == "--block" && hasValue) block = parseDims(argv[++i]);
        else if (a == "--smem" && hasValue) smem = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
        else if (a == "--seed" && hasValue) seed = std::strtoull(argv[++i], nullptr, 10);
        else if (a == "--print" && hasValue) prints.push_back(std::atoi(argv[++i]));
        else args.push_back(parseArg(a));
    }
    if (static_cast<int>(args.size()) != e.argCount) usage(e.name + std::string(" takes ") + std::to_string(e.argCount) + " arguments, got " + std::to_string(args.size()));
    std::vector<void*> pointers;
    for (int i = 0; i < e.argCount; i++) {
        const unsigned size = args[i].isBuffer ? sizeof(void*) : static_cast<unsigned>(args[i].scalar.size());
        if (size != e.argSizes[i])
            usage("argument " + std::to_string(i) + " of " + e.name + " takes " + std::to_string(e.argSizes[i]) + " bytes, got " + std::to_string(size));
        pointers.push_back(args[i].slot());
    }
    bool invalid = false;
    if (!emu::launch(k, grid, block, smem, pointers.data(), seed, error, invalid)) {
        std::fprintf(stderr, "emu-run: %s\n", error.c_str());
        return 3;
    }
    for (int p : prints) {
        if (p < 0 || p >= static_cast<int>(args.size()) || !args[p].isBuffer) usage("--print " + std::to_string(p) + " is not a buffer argument");
        printBuffer(p, args[p]);
    }
    std::printf("ok: %s ran %u x %u x %u blocks of %u x %u x %u threads\n", e.name, grid.x, grid.y, grid.z, block.x, block.y, block.z);
    for (Arg& a : args) std::free(a.buffer);
    return 0;
}
