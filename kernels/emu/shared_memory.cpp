// shared_memory.cpp — where each kernel's static __shared__ variables live, so that every block can
// start with them poisoned, and how many bytes they take (the launch limit counts them).
//
// A static __shared__ variable is a function-local static (cuda_emu.h), which g++ names
// _ZZ<length><kernel>E<length><variable> in the symbol table: the kernel it belongs to is in its name.
// The runtime reads its own binary's symbol table once. Normal build: the variables are thread_local,
// and a symbol's value is its offset in this module's TLS block, which starts at &tlsAnchor minus the
// offset of tlsAnchor. ASan build: plain statics, at load address + value.
// Shared variables declared outside a kernel body (in a __device__ helper, at file scope) work, but
// are neither poisoned nor counted.
#include "runtime.h"

#include <cctype>
#include <cstring>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string_view>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

namespace emu {
namespace {

struct Range {
    std::uintptr_t start; // TLS offset (normal build) or address (ASan build)
    std::size_t size;
};

// A thread_local of this module whose address tells where the calling thread's TLS block is.
__thread char tlsAnchor;

std::vector<std::vector<Range>> kernelRanges;
std::vector<unsigned> kernelBytes;
std::uintptr_t tlsAnchorOffset = 0;

#ifdef CUDAPRUNE_EMU_ASAN
constexpr unsigned SharedSymbolType = STT_OBJECT;
#else
constexpr unsigned SharedSymbolType = STT_TLS;
#endif

// "_ZZ12reduce_naiveE4tile" -> "reduce_naive"; empty unless the symbol is a plain function-local static.
std::string_view enclosingFunction(std::string_view symbol) {
    if (symbol.substr(0, 3) != "_ZZ") return {};
    std::size_t i = 3, length = 0;
    while (i < symbol.size() && std::isdigit(static_cast<unsigned char>(symbol[i]))) length = length * 10 + (symbol[i++] - '0');
    if (length == 0 || i + length + 1 >= symbol.size() || symbol[i + length] != 'E') return {};
    if (!std::isdigit(static_cast<unsigned char>(symbol[i + length + 1]))) return {};
    return symbol.substr(i, length);
}

// A read-only view of a whole file.
class MappedFile {
public:
    explicit MappedFile(const char* path) {
        const int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return;
        struct stat st {};
        if (fstat(fd, &st) == 0 && st.st_size > 0) {
            void* p = mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
            if (p != MAP_FAILED) {
                data_ = static_cast<const unsigned char*>(p);
                size_ = static_cast<std::size_t>(st.st_size);
            }
        }
        close(fd);
    }
    ~MappedFile() {
        if (data_ != nullptr) munmap(const_cast<unsigned char*>(data_), size_);
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    const unsigned char* data() const { return data_; }
    std::size_t size() const { return size_; }

private:
    const unsigned char* data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace

bool mapStaticShared(std::string& error) {
    Dl_info info{};
    link_map* self = nullptr;
    if (dladdr1(reinterpret_cast<void*>(&mapStaticShared), &info, reinterpret_cast<void**>(&self), RTLD_DL_LINKMAP) == 0 ||
        self == nullptr) {
        error = "cannot locate the emulator's own binary (dladdr)";
        return false;
    }
    const char* path = self->l_name != nullptr && self->l_name[0] != '\0' ? self->l_name : "/proc/self/exe";
    MappedFile file(path);
    const auto* elf = reinterpret_cast<const Elf64_Ehdr*>(file.data());
    if (elf == nullptr || file.size() < sizeof(Elf64_Ehdr) || std::memcmp(elf->e_ident, ELFMAG, SELFMAG) != 0 ||
        elf->e_ident[EI_CLASS] != ELFCLASS64 || elf->e_shoff + elf->e_shnum * sizeof(Elf64_Shdr) > file.size()) {
        error = std::string("cannot read the ELF symbol table of ") + path;
        return false;
    }
    const auto* sections = reinterpret_cast<const Elf64_Shdr*>(file.data() + elf->e_shoff);

    std::unordered_map<std::string_view, int> byName;
    for (int k = 0; k < kernelCount; k++) byName.emplace(kernelTable[k]->name, k);
    kernelRanges.assign(static_cast<std::size_t>(kernelCount), {});
    kernelBytes.assign(static_cast<std::size_t>(kernelCount), 0);

    bool symbolTable = false, anchor = false;
    for (int s = 0; s < elf->e_shnum; s++) {
        if (sections[s].sh_type != SHT_SYMTAB) continue;
        symbolTable = true;
        const Elf64_Shdr& names = sections[sections[s].sh_link];
        const auto* symbols = reinterpret_cast<const Elf64_Sym*>(file.data() + sections[s].sh_offset);
        const std::size_t count = sections[s].sh_size / sizeof(Elf64_Sym);
        for (std::size_t i = 0; i < count; i++) {
            const Elf64_Sym& sym = symbols[i];
            const std::string_view name(reinterpret_cast<const char*>(file.data() + names.sh_offset + sym.st_name));
            const unsigned type = ELF64_ST_TYPE(sym.st_info);
            if (type == STT_TLS && name == "_ZN3emu12_GLOBAL__N_19tlsAnchorE") {
                tlsAnchorOffset = sym.st_value;
                anchor = true;
                continue;
            }
            if (type != SharedSymbolType || sym.st_shndx == SHN_UNDEF || sym.st_shndx >= elf->e_shnum ||
                (sections[sym.st_shndx].sh_flags & SHF_WRITE) == 0)
                continue;
            const auto kernel = byName.find(enclosingFunction(name));
            if (kernel == byName.end()) continue;
#ifdef CUDAPRUNE_EMU_ASAN
            const std::uintptr_t start = self->l_addr + sym.st_value;
#else
            const std::uintptr_t start = sym.st_value;
#endif
            kernelRanges[kernel->second].push_back({start, sym.st_size});
            kernelBytes[kernel->second] += static_cast<unsigned>(sym.st_size);
        }
    }
#ifdef CUDAPRUNE_EMU_ASAN
    anchor = true; // plain statics: no TLS block to locate
#endif
    if (!symbolTable || !anchor) {
        error = std::string("no symbol table with the emulator's symbols in ") + path + " (was it stripped?)";
        return false;
    }
    return true;
}

unsigned staticSharedBytes(int kernelIndex) { return kernelBytes[kernelIndex]; }

void poisonStaticShared(int kernelIndex, std::uint32_t pattern) {
#ifdef CUDAPRUNE_EMU_ASAN
    const std::uintptr_t base = 0;
#else
    const std::uintptr_t base = reinterpret_cast<std::uintptr_t>(&tlsAnchor) - tlsAnchorOffset;
#endif
    for (const Range& r : kernelRanges[kernelIndex]) fillPattern(reinterpret_cast<void*>(base + r.start), r.size, pattern);
}

} // namespace emu
