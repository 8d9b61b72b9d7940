/* elf.c — the sBPF ELF loader: elf.rs load (version from e_flags), the lenient parser and
 * relocator for v0..v2 (elf_parser/mod.rs Elf64::parse, Executable::validate, relocate,
 * parse_ro_sections) and the strict parser for v3+ (load_with_strict_parser). Errors carry
 * ElfError's variant name as kind detail, checked in the canonical order. */
#include "sbpf.h"

#define EHDR 64
#define PHDR 56
#define SHDR 64
#define ET_DYN 3
#define EM_BPF 247
#define EM_SBPF 263
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define SHT_NULL 0
#define SHT_SYMTAB 2
#define SHT_STRTAB 3
#define SHT_DYNAMIC 6
#define SHT_NOBITS 8
#define SHT_DYNSYM 11
#define DT_NUM 35
#define DT_SYMTAB 6
#define DT_REL 17
#define DT_RELSZ 18
#define DT_RELENT 19

/* ElfParserError → ElfError (impl From<ElfParserError> for ElfError) */
enum perr { P_OK = 0, P_FILE_HEADER, P_PROGRAM_HEADER, P_SECTION_HEADER, P_STRING_TOO_LONG, P_OUT_OF_BOUNDS, P_INVALID_SIZE, P_OVERLAP,
            P_NOT_IN_ORDER, P_NO_SHSTRTAB, P_DYNAMIC, P_ALIGNMENT, P_ARENA };

/* The kind is ElfError's variant name (the taxonomy of solana/kinds.go); the detail says more. */
static int elf_fail(svc_ctx *c, const char *variant) {
  char kind[40];
  size_t i = 0;
  while (variant[i] && variant[i] != ':' && i < sizeof kind - 1) kind[i] = variant[i], i++;
  kind[i] = 0;
  /* kinds must outlive this call: map to the static names */
  static const char *const names[] = {"FailedToParse", "EntrypointOutOfBounds", "InvalidEntrypoint", "FailedToGetSection",
                                      "UnresolvedSymbol", "SectionNotFound", "RelativeJumpOutOfBounds", "SymbolHashCollision",
                                      "WrongEndianess", "WrongAbi", "WrongMachine", "WrongClass", "NotOneTextSection",
                                      "WritableSectionNotSupported", "AddressOutsideLoadableSection", "InvalidVirtualAddress",
                                      "UnknownRelocation", "FailedToReadRelocationInfo", "WrongType", "UnknownSymbol",
                                      "ValueOutOfBounds", "UnsupportedSBPFVersion", "InvalidProgramHeader"};
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    if (svc_strlen(names[k]) == i && svc_memcmp(names[k], kind, i) == 0) return svc_fail(c, names[k], variant);
  return svc_fail(c, "FailedToParse", variant);
}

static int perr_fail(svc_ctx *c, int e) {
  switch (e) {
  case P_PROGRAM_HEADER: return elf_fail(c, "InvalidProgramHeader");
  case P_OUT_OF_BOUNDS: return elf_fail(c, "ValueOutOfBounds");
  case P_FILE_HEADER: return elf_fail(c, "FailedToParse: invalid file header");
  case P_SECTION_HEADER: return elf_fail(c, "FailedToParse: invalid section header");
  case P_STRING_TOO_LONG: return elf_fail(c, "FailedToParse: string too long");
  case P_INVALID_SIZE: return elf_fail(c, "FailedToParse: invalid size");
  case P_OVERLAP: return elf_fail(c, "FailedToParse: values overlap");
  case P_NOT_IN_ORDER: return elf_fail(c, "FailedToParse: sections not in ascending order");
  case P_NO_SHSTRTAB: return elf_fail(c, "FailedToParse: no section name string table found");
  case P_DYNAMIC: return elf_fail(c, "FailedToParse: invalid dynamic section table");
  case P_ARENA: return elf_fail(c, "ValueOutOfBounds: section table exhausted the arena");
  default: return elf_fail(c, "FailedToParse: invalid alignment");
  }
}

typedef struct shdr {
  uint32_t name, type;
  uint64_t flags, addr, offset, size;
} shdr;

typedef struct phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz;
} phdr;

static shdr rd_shdr(const uint8_t *p) {
  shdr s = {svc_rd32(p), svc_rd32(p + 4), svc_rd64(p + 8), svc_rd64(p + 16), svc_rd64(p + 24), svc_rd64(p + 32)};
  return s;
}
static phdr rd_phdr(const uint8_t *p) {
  phdr h = {svc_rd32(p), svc_rd32(p + 4), svc_rd64(p + 8), svc_rd64(p + 16), svc_rd64(p + 24), svc_rd64(p + 32), svc_rd64(p + 40)};
  return h;
}

/* Rust ranges: [start, end) in the file. */
static int overlap(uint64_t as, uint64_t ae, uint64_t bs, uint64_t be) { return !(ae <= bs || be <= as); }

/* slice_from_bytes::<T>: size multiple, in bounds, 8-aligned (the buffer is 16-aligned). */
static int slice_ok(uint64_t len, uint64_t start, uint64_t end, uint64_t elem) {
  if (end < start) return (end - start) % elem ? P_INVALID_SIZE : P_OUT_OF_BOUNDS; /* wrapped length */
  if ((end - start) % elem) return P_INVALID_SIZE;
  if (end > len) return P_OUT_OF_BOUNDS;
  if (start & 7) return P_ALIGNMENT;
  return P_OK;
}

typedef struct elf {
  const uint8_t *b; /* original bytes (16-aligned copy) */
  uint64_t len;
  uint64_t entry;
  uint16_t phnum, shnum, shstrndx;
  uint64_t phoff, shoff;
  const uint8_t *shstr; /* section name table header bytes or NULL */
  int has_dynstr;
  shdr dynstr;
  const uint8_t *rel;
  uint64_t nrel;
  const uint8_t *dynsym;
  uint64_t ndynsym;
  uint8_t *cls; /* per section: its name's N_* flags (every name resolves once parse succeeds) */
} elf;

/* What a section's name is, as the loader asks (exact names and prefixes). */
enum { N_TEXT = 1, N_RO = 2, N_BSS = 4, N_DATA = 8, N_SYMTAB = 16, N_STRTAB = 32, N_DYNSTR = 64 };

/* get_string_in_section */
static int get_string(const elf *e, const shdr *sh, uint32_t off, uint64_t maxlen, const uint8_t **s, uint64_t *n) {
  if (sh->type != SHT_STRTAB) return P_SECTION_HEADER;
  uint64_t start, end1, end2;
  if (__builtin_add_overflow(sh->offset, (uint64_t)off, &start)) return P_OUT_OF_BOUNDS;
  if (__builtin_add_overflow(sh->offset, sh->size, &end1)) return P_OUT_OF_BOUNDS;
  if (__builtin_add_overflow(start, maxlen, &end2)) return P_OUT_OF_BOUNDS;
  uint64_t end = end1 < end2 ? end1 : end2;
  if (start > end || end > e->len) return P_OUT_OF_BOUNDS;
  if (maxlen <= 16 && e->len - start >= 16) {
    /* two word loads: the first NUL byte of 16 (lowest flagged byte of the zero-byte test,
     * its index by a multiply), found when before end */
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t w0 = svc_rd64(e->b + start), w1 = svc_rd64(e->b + start + 8);
    uint64_t m0 = (w0 - ones) & ~w0 & highs, m1 = (w1 - ones) & ~w1 & highs;
    uint64_t z = m0 ? (((m0 & (0 - m0)) >> 7) * 0x0001020304050607ull) >> 56
                    : m1 ? 8 + ((((m1 & (0 - m1)) >> 7) * 0x0001020304050607ull) >> 56) : 16;
    if (z >= end - start) return P_STRING_TOO_LONG;
    *s = e->b + start;
    *n = z;
    return P_OK;
  }
  for (uint64_t i = start; i < end; i++)
    if (e->b[i] == 0) {
      *s = e->b + start;
      *n = i - start;
      return P_OK;
    }
  return P_STRING_TOO_LONG;
}

static shdr sect(const elf *e, uint64_t i) { return rd_shdr(e->b + e->shoff + SHDR * i); }


#define name_is(s, n, lit) ((n) == sizeof(lit) - 1 && svc_memcmp((s), (lit), sizeof(lit) - 1) == 0)

/* The first 8 bytes of a literal (padded with NULs to 8) as a little-endian word. */
#define W8(l)                                                                                                       \
  ((uint64_t)(uint8_t)(l)[0] | (uint64_t)(uint8_t)(l)[1] << 8 | (uint64_t)(uint8_t)(l)[2] << 16 |                    \
   (uint64_t)(uint8_t)(l)[3] << 24 | (uint64_t)(uint8_t)(l)[4] << 32 | (uint64_t)(uint8_t)(l)[5] << 40 |             \
   (uint64_t)(uint8_t)(l)[6] << 48 | (uint64_t)(uint8_t)(l)[7] << 56)

/* A section name (at most 15 bytes: get_string's limit of 16 includes the NUL) as N_* flags,
 * by comparing zero-padded words. */
static unsigned classify(const uint8_t *s, uint64_t n, const uint8_t *end) {
  uint64_t w0, w1;
  if (n > 15) return 0;
  if (end - s >= 16) { /* two word loads, masked to the name */
    w0 = svc_rd64(s), w1 = svc_rd64(s + 8);
    if (n < 8) w0 &= ((uint64_t)1 << (8 * n)) - 1, w1 = 0;
    else w1 &= ((uint64_t)1 << (8 * (n - 8))) - 1;
  } else { /* near the end of the file */
    uint8_t b[16] = {0};
    for (uint64_t i = 0; i < n; i++) b[i] = s[i];
    w0 = svc_rd64(b), w1 = svc_rd64(b + 8);
  }
  unsigned f = 0;
  if (n == 5 && w0 == W8(".text\0\0\0")) f |= N_TEXT | N_RO;
  if ((n == 7 && w0 == W8(".rodata\0")) || (n == 12 && w0 == W8(".data.re") && w1 == W8("l.ro\0\0\0\0")) ||
      (n == 9 && w0 == W8(".eh_fram") && w1 == 'e'))
    f |= N_RO;
  if (n >= 4 && (uint32_t)w0 == (uint32_t)W8(".bss\0\0\0\0")) f |= N_BSS;
  if (n >= 5 && (w0 & 0xffffffffffull) == W8(".data\0\0\0") && !(n >= 9 && w0 == W8(".data.re") && (uint8_t)w1 == 'l')) f |= N_DATA;
  if (n == 7 && w0 == W8(".symtab\0")) f |= N_SYMTAB;
  if (n == 7 && w0 == W8(".strtab\0")) f |= N_STRTAB;
  if (n == 7 && w0 == W8(".dynstr\0")) f |= N_DYNSTR;
  return f;
}

/* Elf64::parse */
static int parse(elf *e) {
  const uint8_t *b = e->b;
  if (e->len < EHDR) return P_OUT_OF_BOUNDS;
  static const uint8_t mag[4] = {0x7f, 'E', 'L', 'F'};
  e->entry = svc_rd64(b + 24);
  e->phoff = svc_rd64(b + 32);
  e->shoff = svc_rd64(b + 40);
  uint16_t ehsize = b[52] | b[53] << 8, phentsize = b[54] | b[55] << 8, shentsize = b[58] | b[59] << 8;
  e->phnum = b[56] | b[57] << 8;
  e->shnum = b[60] | b[61] << 8;
  e->shstrndx = b[62] | b[63] << 8;
  if (svc_memcmp(b, mag, 4) || b[4] != 2 || b[5] != 1 || b[6] != 1 || svc_rd32(b + 20) != 1 || ehsize != EHDR || phentsize != PHDR ||
      shentsize != SHDR || e->shstrndx >= e->shnum)
    return P_FILE_HEADER;
  uint64_t ph_end, sh_end;
  if (__builtin_add_overflow((uint64_t)PHDR * e->phnum, e->phoff, &ph_end)) return P_OUT_OF_BOUNDS;
  if (overlap(0, EHDR, e->phoff, ph_end)) return P_OVERLAP;
  int r = slice_ok(e->len, e->phoff, ph_end, PHDR);
  if (r) return r;
  if (__builtin_add_overflow((uint64_t)SHDR * e->shnum, e->shoff, &sh_end)) return P_OUT_OF_BOUNDS;
  if (overlap(0, EHDR, e->shoff, sh_end)) return P_OVERLAP;
  if (overlap(e->phoff, ph_end, e->shoff, sh_end)) return P_OVERLAP;
  if ((r = slice_ok(e->len, e->shoff, sh_end, SHDR))) return r;
  if (e->shnum == 0 || sect(e, 0).type != SHT_NULL) return P_SECTION_HEADER;
  uint64_t vaddr = 0;
  for (uint64_t i = 0; i < e->phnum; i++) {
    phdr p = rd_phdr(b + e->phoff + PHDR * i);
    if (p.type != PT_LOAD) continue;
    if (p.vaddr < vaddr) return P_PROGRAM_HEADER;
    uint64_t end;
    if (__builtin_add_overflow(p.offset, p.filesz, &end) || end > e->len) return P_OUT_OF_BOUNDS;
    vaddr = p.vaddr;
  }
  uint64_t off = 0;
  for (uint64_t i = 0; i < e->shnum; i++) {
    shdr s = sect(e, i);
    if (s.type == SHT_NOBITS) continue;
    uint64_t end;
    if (__builtin_add_overflow(s.offset, s.size, &end)) return P_OUT_OF_BOUNDS;
    if (overlap(s.offset, end, 0, EHDR) || overlap(s.offset, end, e->phoff, ph_end) || overlap(s.offset, end, e->shoff, sh_end)) return P_OVERLAP;
    if (s.offset < off) return P_NOT_IN_ORDER;
    off = end;
    if (off > e->len) return P_OUT_OF_BOUNDS;
  }
  e->shstr = e->shstrndx ? b + e->shoff + SHDR * e->shstrndx : 0;
  /* parse_sections */
  if (!e->shstr) return P_NO_SHSTRTAB;
  int have_symtab = 0, have_strtab = 0;
  if (!(e->cls = svc_alloc(e->shnum))) return P_ARENA;
  shdr names = rd_shdr(e->shstr); /* section_name: get_string(shstrtab, sh_name, 16) */
  for (uint64_t i = 0; i < e->shnum; i++) {
    const uint8_t *n;
    uint64_t nl;
    if ((r = get_string(e, &names, svc_rd32(b + e->shoff + SHDR * i), 16, &n, &nl))) return r;
    unsigned f = e->cls[i] = (uint8_t)classify(n, nl, e->b + e->len);
    if (f & N_SYMTAB) {
      if (have_symtab++) return P_SECTION_HEADER;
    } else if (f & N_STRTAB) {
      if (have_strtab++) return P_SECTION_HEADER;
    } else if (f & N_DYNSTR) {
      if (e->has_dynstr++) return P_SECTION_HEADER;
      e->dynstr = sect(e, i);
    }
  }
  /* parse_dynamic */
  const uint8_t *dyn = 0;
  uint64_t ndyn = 0;
  for (uint64_t i = 0; i < e->phnum; i++) {
    phdr p = rd_phdr(b + e->phoff + PHDR * i);
    if (p.type != PT_DYNAMIC) continue;
    uint64_t end;
    if (!__builtin_add_overflow(p.offset, p.filesz, &end) && slice_ok(e->len, p.offset, end, 16) == P_OK) dyn = b + p.offset, ndyn = p.filesz / 16;
    break;
  }
  if (!dyn) {
    for (uint64_t i = 0; i < e->shnum; i++) {
      shdr s = sect(e, i);
      if (s.type != SHT_DYNAMIC) continue;
      uint64_t end;
      if (__builtin_add_overflow(s.offset, s.size, &end) || slice_ok(e->len, s.offset, end, 16)) return P_DYNAMIC;
      dyn = b + s.offset, ndyn = s.size / 16;
      break;
    }
  }
  if (!dyn) return P_OK;
  uint64_t dt[DT_NUM] = {0};
  for (uint64_t i = 0; i < ndyn; i++) {
    uint64_t tag = svc_rd64(dyn + 16 * i), val = svc_rd64(dyn + 16 * i + 8);
    if (tag == 0) break;
    if (tag >= DT_NUM) continue;
    dt[tag] = val;
  }
  /* parse_dynamic_relocations */
  uint64_t rv = dt[DT_REL];
  if (rv) {
    if (dt[DT_RELENT] != 16) return P_DYNAMIC;
    uint64_t size = dt[DT_RELSZ];
    if (size == 0) return P_DYNAMIC;
    uint64_t offset = 0;
    int found = 0;
    for (uint64_t i = 0; i < e->phnum; i++) {
      phdr p = rd_phdr(b + e->phoff + PHDR * i);
      uint64_t end;
      if (__builtin_add_overflow(p.vaddr, p.memsz, &end)) return P_OUT_OF_BOUNDS;
      if (rv >= p.vaddr && rv < end) {
        if (__builtin_add_overflow(rv - p.vaddr, p.offset, &offset)) return P_OUT_OF_BOUNDS;
        found = 1;
        break;
      }
    }
    if (!found) {
      for (uint64_t i = 0; i < e->shnum && !found; i++) {
        shdr s = sect(e, i);
        if (s.addr == rv) offset = s.offset, found = 1;
      }
      if (!found) return P_DYNAMIC;
    }
    uint64_t end;
    if (__builtin_add_overflow(offset, size, &end)) return P_OUT_OF_BOUNDS;
    if (slice_ok(e->len, offset, end, 16)) return P_DYNAMIC;
    e->rel = b + offset, e->nrel = size / 16;
  }
  /* parse_dynamic_symbol_table */
  uint64_t sv = dt[DT_SYMTAB];
  if (sv) {
    int found = 0;
    shdr s;
    for (uint64_t i = 0; i < e->shnum; i++) {
      s = sect(e, i);
      if (s.addr == sv) {
        found = 1;
        break;
      }
    }
    if (!found) return P_DYNAMIC;
    if (s.type != SHT_SYMTAB && s.type != SHT_DYNSYM) return P_SECTION_HEADER;
    uint64_t end;
    if (__builtin_add_overflow(s.offset, s.size, &end)) return P_OUT_OF_BOUNDS;
    if ((r = slice_ok(e->len, s.offset, end, 24))) return r;
    e->dynsym = b + s.offset, e->ndynsym = s.size / 24;
  }
  return P_OK;
}

/* ---------------------------------------------------------------- function registry */

static int reg_func(svc_ctx *c, sbpf_exe *x, uint32_t key, uint32_t pc) {
  uint32_t lo = 0, hi = x->n_funcs;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (x->funcs[mid].key < key) lo = mid + 1;
    else hi = mid;
  }
  if (lo < x->n_funcs && x->funcs[lo].key == key) {
    if (x->funcs[lo].pc != pc) return elf_fail(c, "SymbolHashCollision");
    return 0;
  }
  if (x->n_funcs == x->cap_funcs) {
    uint32_t cap = x->cap_funcs ? x->cap_funcs * 2 : 64;
    sbpf_func *f = svc_alloc(sizeof(sbpf_func) * cap);
    if (!f) return elf_fail(c, "ValueOutOfBounds: function registry exhausted the arena");
    svc_memcpy(f, x->funcs, sizeof(sbpf_func) * x->n_funcs);
    x->funcs = f, x->cap_funcs = cap;
  }
  svc_memmove(&x->funcs[lo + 1], &x->funcs[lo], sizeof(sbpf_func) * (x->n_funcs - lo));
  x->funcs[lo] = (sbpf_func){key, pc};
  x->n_funcs++;
  return 0;
}

static void unreg_func(sbpf_exe *x, uint32_t key) {
  for (uint32_t i = 0; i < x->n_funcs; i++)
    if (x->funcs[i].key == key) {
      svc_memmove(&x->funcs[i], &x->funcs[i + 1], sizeof(sbpf_func) * (x->n_funcs - i - 1));
      x->n_funcs--;
      return;
    }
}

int sbpf_lookup_func(const sbpf_exe *x, uint32_t key, uint32_t *pc) {
  uint32_t lo = 0, hi = x->n_funcs;
  while (lo < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (x->funcs[mid].key < key) lo = mid + 1;
    else hi = mid;
  }
  if (lo < x->n_funcs && x->funcs[lo].key == key) {
    *pc = x->funcs[lo].pc;
    return 1;
  }
  return 0;
}

static uint32_t hash_name(const uint8_t *s, uint64_t n) { return svc_murmur3_32(s, n, 0); }

/* register_function_hashed_legacy(loader, true, name, pc): the key is the hash of the pc's
 * little-endian bytes, except for "entrypoint". */
static int reg_hashed(svc_ctx *c, sbpf_exe *x, int is_entry, uint64_t pc, uint32_t *key) {
  uint8_t le[8];
  svc_wr64(le, pc);
  uint32_t k = is_entry ? hash_name((const uint8_t *)"entrypoint", 10) : hash_name(le, 8);
  if (svc_syscall_lookup(k) >= 0) return elf_fail(c, "SymbolHashCollision");
  if (reg_func(c, x, k, (uint32_t)pc)) return -1;
  if (key) *key = k;
  return 0;
}

/* ---------------------------------------------------------------- lenient loader (v0..v2) */

/* The index of the first call-immediate instruction at or after i, or n: a tight scan out
 * of load_lenient's register pressure. */
static __attribute__((noinline)) uint64_t next_call(const uint8_t *text, uint64_t i, uint64_t n) {
  const uint8_t *q = text + i * INSN_SIZE, *end = text + n * INSN_SIZE;
  /* four opcodes per test: one block of independent loads */
  while (end - q >= 4 * INSN_SIZE &&
         ((q[0] == CALL_IMM) | (q[INSN_SIZE] == CALL_IMM) | (q[2 * INSN_SIZE] == CALL_IMM) | (q[3 * INSN_SIZE] == CALL_IMM)) == 0)
    q += 4 * INSN_SIZE;
  while (q < end && *q != CALL_IMM) q += INSN_SIZE;
  return (uint64_t)(q - text) / INSN_SIZE;
}

static uint64_t sat_add(uint64_t a, uint64_t b) { return a + b < a ? ~0ull : a + b; }

static int load_lenient(svc_ctx *c, sbpf_exe *x, const uint8_t *orig, uint64_t len) {
  elf e;
  svc_memset(&e, 0, sizeof e);
  e.b = orig, e.len = len;
  int r = parse(&e);
  if (r) return perr_fail(c, r);
  const uint8_t *b = orig;
  /* Executable::validate */
  if (b[4] != 2) return elf_fail(c, "WrongClass");
  if (b[5] != 1) return elf_fail(c, "WrongEndianess");
  if (b[7] != 0) return elf_fail(c, "WrongAbi");
  uint16_t machine = b[18] | b[19] << 8, type = b[16] | b[17] << 8;
  if (machine != EM_BPF && machine != EM_SBPF) return elf_fail(c, "WrongMachine");
  if (type != ET_DYN) return elf_fail(c, "WrongType");
  int ntext = 0;
  shdr text = {0};
  for (uint64_t i = 0; i < e.shnum; i++) {
    if (e.cls[i] & N_TEXT) {
      if (ntext == 0) text = sect(&e, i);
      ntext++;
    }
  }
  if (ntext != 1) return elf_fail(c, "NotOneTextSection");
  for (uint64_t i = 0; i < e.shnum; i++) {
    if (!(e.cls[i] & (N_BSS | N_DATA))) continue;
    int writable = (svc_rd64(e.b + e.shoff + SHDR * i + 8) & 3) == 3;
    if ((e.cls[i] & N_BSS) || writable) return elf_fail(c, "WritableSectionNotSupported");
  }
  for (uint64_t i = 0; i < e.shnum; i++) {
    shdr s = sect(&e, i);
    uint64_t end;
    if (__builtin_add_overflow(s.offset, s.size, &end) || s.offset > end || end > len) return elf_fail(c, "ValueOutOfBounds");
  }
  if (!(e.entry >= text.addr && e.entry < sat_add(text.addr, text.size))) return elf_fail(c, "EntrypointOutOfBounds");

  int reject = (c->req.flags & SVC_FLAG_REJECT_BROKEN_ELFS) != 0;
  uint64_t text_vaddr = sat_add(text.addr, MM_REGION_SIZE);
  if ((reject && text.addr != text.offset) || text_vaddr >= MM_STACK_START) return elf_fail(c, "ValueOutOfBounds");

  /* relocate: pc-relative calls first */
  uint64_t t_start = text.type == SHT_NOBITS ? 0 : text.offset, t_end = text.type == SHT_NOBITS ? 0 : sat_add(text.offset, text.size);
  if (t_end > len) return elf_fail(c, "ValueOutOfBounds");
  /* Relocation patches a copy. Only the prefix of the file that relocation and the ro
   * sections can touch is copied: the text, every ro section, and 16 bytes from each
   * relocation's offset (the widest patch, an lddw's two immediates). */
  uint64_t need = t_end;
  for (uint64_t i = 0; i < e.shnum; i++) {
    if (!(e.cls[i] & N_RO)) continue;
    shdr s = sect(&e, i);
    if (s.type != SHT_NOBITS && sat_add(s.offset, s.size) > need) need = sat_add(s.offset, s.size);
  }
  for (uint64_t i = 0; i < e.nrel; i++) {
    uint64_t r_end = sat_add(svc_rd64(e.rel + 16 * i), 16);
    if (r_end > need) need = r_end;
  }
  if (need > len) need = len;
  uint8_t *buf = svc_alloc(need ? need : 1);
  if (!buf) return elf_fail(c, "ValueOutOfBounds: program exhausted the arena");
  svc_memcpy(buf, orig, need);
  uint64_t ninsn = (t_end - t_start) / INSN_SIZE;
  for (uint64_t i = 0; (i = next_call(buf + t_start, i, ninsn)) < ninsn; i++) {
    uint8_t *insn = buf + t_start + i * INSN_SIZE;
    int32_t imm = (int32_t)svc_rd32(insn + 4);
    if (imm != -1) {
      int64_t target = (int64_t)i + 1 + imm;
      if (target < 0 || target >= (int64_t)ninsn) return elf_fail(c, "RelativeJumpOutOfBounds");
      uint32_t key;
      if (reg_hashed(c, x, 0, (uint64_t)target, &key)) return -1;
      svc_wr32(insn + 4, key);
    }
  }
  for (uint64_t i = 0; i < e.nrel; i++) {
    uint64_t r_offset = svc_rd64(e.rel + 16 * i), info = svc_rd64(e.rel + 16 * i + 8);
    uint32_t rtype = (uint32_t)info, rsym = (uint32_t)(info >> 32);
    uint64_t imm_off = sat_add(r_offset, 4);
    if (rtype == 1) { /* R_BPF_64_64 */
      if (sat_add(imm_off, 4) > len || imm_off > len) return elf_fail(c, "ValueOutOfBounds");
      uint64_t refd = svc_rd32(buf + imm_off);
      if (!e.dynsym || rsym >= e.ndynsym) return elf_fail(c, "UnknownSymbol");
      uint64_t st_value = svc_rd64(e.dynsym + 24 * rsym + 8);
      uint64_t addr = sat_add(st_value, refd);
      if (addr < MM_REGION_SIZE) addr += MM_REGION_SIZE;
      svc_wr32(buf + imm_off, (uint32_t)addr);
      uint64_t hi = sat_add(imm_off, INSN_SIZE);
      if (sat_add(hi, 4) > len) return elf_fail(c, "ValueOutOfBounds");
      svc_wr32(buf + hi, (uint32_t)(addr >> 32));
    } else if (rtype == 8) { /* R_BPF_64_RELATIVE */
      if (r_offset >= t_start && r_offset < t_end) {
        uint64_t hi = sat_add(sat_add(r_offset, INSN_SIZE), 4);
        if (sat_add(imm_off, 4) > len) return elf_fail(c, "ValueOutOfBounds");
        uint64_t lo = svc_rd32(buf + imm_off);
        if (sat_add(hi, 4) > len) return elf_fail(c, "ValueOutOfBounds");
        uint64_t refd = (uint64_t)svc_rd32(buf + hi) << 32 | lo;
        if (refd == 0) return elf_fail(c, "InvalidVirtualAddress");
        if (refd < MM_REGION_SIZE) refd += MM_REGION_SIZE;
        svc_wr32(buf + imm_off, (uint32_t)refd);
        svc_wr32(buf + hi, (uint32_t)(refd >> 32));
      } else {
        if (sat_add(imm_off, 4) > len) return elf_fail(c, "ValueOutOfBounds");
        uint64_t refd = MM_REGION_SIZE + svc_rd32(buf + imm_off);
        if (sat_add(r_offset, 8) > len) return elf_fail(c, "ValueOutOfBounds");
        svc_wr64(buf + r_offset, refd);
      }
    } else if (rtype == 10) { /* R_BPF_64_32 */
      if (!e.dynsym || rsym >= e.ndynsym) return elf_fail(c, "UnknownSymbol");
      const uint8_t *sym = e.dynsym + 24 * rsym;
      uint32_t st_name = svc_rd32(sym);
      uint8_t st_info = sym[4];
      uint64_t st_value = svc_rd64(sym + 8);
      const uint8_t *n;
      uint64_t nl;
      if (!e.has_dynstr || get_string(&e, &e.dynstr, st_name, 64, &n, &nl)) return elf_fail(c, "UnknownSymbol");
      uint32_t key;
      if ((st_info & 0xF) == 2 && st_value != 0) {
        if (!(st_value >= text.addr && st_value < sat_add(text.addr, text.size))) return elf_fail(c, "ValueOutOfBounds");
        uint64_t target = (st_value - text.addr) / INSN_SIZE;
        if (reg_hashed(c, x, name_is(n, nl, "entrypoint"), target, &key)) return -1;
      } else {
        key = hash_name(n, nl);
        if (reject && svc_syscall_lookup(key) < 0) return elf_fail(c, "UnresolvedSymbol");
      }
      if (sat_add(imm_off, 4) > len) return elf_fail(c, "ValueOutOfBounds");
      svc_wr32(buf + imm_off, key);
    } else {
      return elf_fail(c, "UnknownRelocation");
    }
  }

  /* entrypoint */
  uint64_t off = e.entry >= text.addr ? e.entry - text.addr : 0;
  if (off % INSN_SIZE) return elf_fail(c, "InvalidEntrypoint");
  x->entry_pc = off / INSN_SIZE;
  unreg_func(x, hash_name((const uint8_t *)"entrypoint", 10));
  if (reg_hashed(c, x, 1, x->entry_pc, 0)) return -1;

  /* parse_ro_sections */
  int optimize = (c->req.flags & SVC_FLAG_OPTIMIZE_RODATA) != 0;
  uint64_t lowest = ~0ull, highest = 0, fill = 0, maxend = 0;
  int invalid_offsets = 0;
  int64_t first = -1, last = -1, nro = 0;
  for (uint64_t i = 0; i < e.shnum; i++) {
    if (!(e.cls[i] & N_RO)) continue;
    shdr s = sect(&e, i);
    if (nro == 0) first = (int64_t)i;
    last = (int64_t)i;
    nro++;
    if (!invalid_offsets && s.addr != s.offset) invalid_offsets = 1;
    if ((reject && invalid_offsets) || sat_add(s.addr, MM_REGION_SIZE) > MM_STACK_START) return elf_fail(c, "ValueOutOfBounds");
    uint64_t dl = s.type == SHT_NOBITS ? 0 : s.size;
    uint64_t ds = s.type == SHT_NOBITS ? 0 : s.offset;
    if (sat_add(ds, dl) > len || ds > sat_add(ds, dl)) return elf_fail(c, "ValueOutOfBounds");
    if (s.addr < lowest) lowest = s.addr;
    if (sat_add(s.addr, dl) > highest) highest = sat_add(s.addr, dl);
    fill = sat_add(fill, dl);
  }
  if (reject && sat_add(lowest, fill) > highest) return elf_fail(c, "ValueOutOfBounds");
  int can_borrow = !invalid_offsets && last + 1 - first == nro;
  uint64_t ro_off;
  if (optimize && can_borrow) {
    ro_off = lowest >= MM_REGION_SIZE ? lowest : lowest + MM_REGION_SIZE;
    if (highest > len || lowest > highest) return elf_fail(c, "ValueOutOfBounds");
    x->ro = buf + lowest;
    x->ro_len = highest - lowest;
  } else {
    if (optimize) highest -= lowest;
    else lowest = 0;
    uint64_t buf_len = highest;
    if (buf_len > len) return elf_fail(c, "ValueOutOfBounds");
    /* place every ro section at its address (later ones win), then cut to buf_len */
    maxend = buf_len;
    for (uint64_t i = 0; i < e.shnum; i++) {
      if (!(e.cls[i] & N_RO)) continue;
      shdr s = sect(&e, i);
      uint64_t dl = s.type == SHT_NOBITS ? 0 : s.size;
      uint64_t st = s.addr > lowest ? s.addr - lowest : 0;
      if (dl && sat_add(st, dl) > maxend) maxend = sat_add(st, dl);
    }
    if (maxend > (64u << 20)) return elf_fail(c, "ValueOutOfBounds: rodata too large");
    uint8_t *ro = svc_alloc(maxend ? maxend : 1);
    if (!ro) return elf_fail(c, "ValueOutOfBounds: rodata exhausted the arena");
    for (uint64_t i = 0; i < e.shnum; i++) {
      if (!(e.cls[i] & N_RO)) continue;
      shdr s = sect(&e, i);
      if (s.type == SHT_NOBITS || s.size == 0) continue;
      uint64_t st = s.addr > lowest ? s.addr - lowest : 0;
      svc_memcpy(ro + st, buf + s.offset, s.size);
    }
    x->ro = ro;
    x->ro_len = buf_len;
    ro_off = lowest >= MM_REGION_SIZE ? lowest : lowest + MM_REGION_SIZE;
  }
  if (optimize) {
    if ((ro_off >> 32) != 1) return elf_fail(c, "ValueOutOfBounds");
  }
  x->ro_vaddr = ro_off;
  x->text_vaddr = text_vaddr;
  x->text_len = t_end - t_start;
  if (optimize && can_borrow) {
    x->text = buf + t_start;
  } else {
    uint64_t to = text_vaddr - ro_off;
    if (to > x->ro_len || x->text_len > x->ro_len - to) return elf_fail(c, "ValueOutOfBounds");
    x->text = x->ro + to;
  }
  return 0;
}

/* ---------------------------------------------------------------- strict loader (v3+) */

static int load_strict(svc_ctx *c, sbpf_exe *x, const uint8_t *b, uint64_t len) {
  if (len < EHDR) return perr_fail(c, P_OUT_OF_BOUNDS);
  uint16_t phnum = b[56] | b[57] << 8;
  uint64_t ph_end = EHDR + (uint64_t)PHDR * phnum;
  static const uint8_t mag[4] = {0x7f, 'E', 'L', 'F'};
  int pad_zero = 1;
  for (int i = 9; i < 16; i++) pad_zero &= b[i] == 0;
  uint16_t machine = b[18] | b[19] << 8;
  if (svc_memcmp(b, mag, 4) || b[4] != 2 || b[5] != 1 || b[6] != 1 || b[7] != 0 || b[8] != 0 || !pad_zero || machine != EM_BPF ||
      svc_rd32(b + 20) != 1 || svc_rd64(b + 32) != EHDR || (b[52] | b[53] << 8) != EHDR || (b[54] | b[55] << 8) != PHDR || phnum == 0 ||
      ph_end > len)
    return perr_fail(c, P_FILE_HEADER);
  phdr ph0 = rd_phdr(b + EHDR);
  int skip_ro = ph0.flags != 4;
  if (!skip_ro && phnum < 2) return perr_fail(c, P_FILE_HEADER);
  static const uint32_t want_flags[2] = {4, 1};
  static const uint64_t want_vaddr[2] = {MM_RODATA_START, MM_BYTECODE_START};
  uint64_t expected = ph_end;
  int k = skip_ro ? 1 : 0;
  phdr hs[2];
  for (int i = 0; k < 2 && i < phnum; i++, k++) {
    phdr p = rd_phdr(b + EHDR + PHDR * i);
    if (p.type != PT_LOAD || p.flags != want_flags[k] || p.offset != expected || p.offset >= len || p.offset % 8 || p.vaddr != want_vaddr[k] ||
        p.paddr != want_vaddr[k] || p.filesz != p.memsz || p.filesz > len - p.offset || p.filesz % 8 || p.memsz >= MM_REGION_SIZE)
      return perr_fail(c, P_PROGRAM_HEADER);
    expected = sat_add(expected, p.filesz);
    hs[i] = p;
  }
  phdr code;
  if (skip_ro) {
    x->ro = (uint8_t *)b + ph_end;
    x->ro_len = 0;
    code = hs[0];
  } else {
    x->ro = (uint8_t *)b + hs[0].offset;
    x->ro_len = hs[0].filesz;
    code = hs[1];
  }
  x->ro_vaddr = MM_RODATA_START;
  x->text_vaddr = code.vaddr;
  x->text = b + code.offset;
  x->text_len = code.filesz;
  uint64_t entry = svc_rd64(b + 24);
  uint64_t last = sat_add(entry, INSN_SIZE);
  last = last ? last - 1 : 0;
  if (!(last >= code.vaddr && last < sat_add(code.vaddr, code.memsz)) || entry % INSN_SIZE) return perr_fail(c, P_FILE_HEADER);
  x->entry_pc = (entry >= code.vaddr ? entry - code.vaddr : 0) / INSN_SIZE;
  return 0;
}

int sbpf_load(svc_ctx *c, sbpf_exe *x, const uint8_t *elf_bytes, size_t len) {
  svc_memset(x, 0, sizeof *x);
  if (len < 52) return elf_fail(c, "ValueOutOfBounds");
  uint32_t flags = svc_rd32(elf_bytes + 48);
  int v = flags <= 4 ? (int)flags : SBPF_RESERVED;
  if (v < c->req.min_version || v > c->req.max_version) return elf_fail(c, "UnsupportedSBPFVersion");
  x->version = v;
  /* The parser reads the request's bytes in place (its alignment rules are checked on
   * offsets, as if the bytes were 16-aligned like elf.rs's copy); relocation works on a
   * copy of the part it needs (load_lenient). */
  if (v >= SBPF_V3) return load_strict(c, x, elf_bytes, len);
  return load_lenient(c, x, elf_bytes, len);
}
