use solana_sbpf::{
    aligned_memory::AlignedMemory,
    declare_builtin_function, ebpf,
    elf::Executable,
    memory_region::{MemoryMapping, MemoryRegion},
    program::{BuiltinFunctionDefinition, BuiltinProgram, FunctionRegistry, SBPFVersion},
    verifier::RequisiteVerifier,
    vm::{CallFrame, Config, ContextObject, EbpfVm, ExecutionMode},
};
use std::io::{BufRead, Write};
use std::sync::Arc;

pub struct Ctx {
    pub remaining: u64,
    pub mm: MemoryMapping,
}
impl ContextObject for Ctx {
    fn consume(&mut self, amount: u64) {
        self.remaining = self.remaining.saturating_sub(amount);
    }
    fn get_remaining(&self) -> u64 {
        self.remaining
    }
    fn active_mapping_ptr(&mut self) -> std::ptr::NonNull<MemoryMapping> {
        std::ptr::NonNull::from_mut(&mut self.mm)
    }
}

declare_builtin_function!(
    Gather,
    fn rust(_c: &mut Ctx, a: u64, b: u64, c: u64, d: u64, e: u64,) -> Result<u64, Box<dyn std::error::Error>> {
        Ok(a.wrapping_shl(32) | b.wrapping_shl(24) | c.wrapping_shl(16) | d.wrapping_shl(8) | e)
    }
);
declare_builtin_function!(
    Burn,
    fn rust(c: &mut Ctx, a: u64, b: u64, _c3: u64, _d: u64, _e: u64,) -> Result<u64, Box<dyn std::error::Error>> {
        c.consume(a & 0xff);
        let r: Result<_, _> = c.mm.map(solana_sbpf::memory_region::AccessType::Load, b, a & 0xff).into();
        r?;
        Ok(0)
    }
);

declare_builtin_function!(
    Stub,
    fn rust(_c: &mut Ctx, _a: u64, _b: u64, _c3: u64, _d: u64, _e: u64,) -> Result<u64, Box<dyn std::error::Error>> {
        Ok(0)
    }
);

const STUBS: &[&str] = &[
    "sol_log_", "sol_log_64_", "sol_log_pubkey", "sol_log_compute_units_", "sol_log_data",
    "sol_memcpy_", "sol_memmove_", "sol_memset_", "sol_memcmp_", "sol_sha256", "sol_keccak256",
    "sol_blake3", "sol_set_return_data", "sol_get_return_data", "sol_alloc_free_", "sol_panic_",
    "abort", "sol_create_program_address", "sol_try_find_program_address", "sol_get_clock_sysvar",
    "sol_get_rent_sysvar", "sol_get_epoch_schedule_sysvar", "sol_get_stack_height",
    "sol_remaining_compute_units", "sol_invoke_signed_c", "sol_invoke_signed_rust",
    "sol_get_last_restart_slot_sysvar", "sol_get_sysvar", "sol_get_epoch_rewards_sysvar",
    "sol_get_fees_sysvar", "sol_secp256k1_recover", "sol_poseidon", "sol_curve_validate_point",
    "sol_curve_group_op", "sol_curve_multiscalar_mul", "sol_alt_bn128_group_op",
    "sol_alt_bn128_compression", "sol_big_mod_exp", "sol_get_processed_sibling_instruction",
    "sol_get_epoch_stake",
];

fn run_elf(out: &mut impl Write, path: &str, budget: u64, mut input: Vec<u8>) {
    let config = Config::default();
    let mut loader = BuiltinProgram::<Ctx>::new_loader(config.clone());
    for name in STUBS {
        loader.register_function(name, (Stub::vm, Stub::codegen)).unwrap();
    }
    let loader = Arc::new(loader);
    let elf = std::fs::read(path).unwrap();
    let exe = match Executable::<Ctx>::from_elf(&elf, loader.clone()) {
        Ok(e) => e,
        Err(e) => { writeln!(out, "load {:?}", e).unwrap(); return; }
    };
    if let Err(e) = exe.verify::<RequisiteVerifier>() {
        writeln!(out, "verify {:?}", e).unwrap();
        return;
    }
    let ver = exe.get_sbpf_version();
    let mut stack = AlignedMemory::<{ ebpf::HOST_ALIGN }>::zero_filled(config.stack_size());
    let mut heap = AlignedMemory::<{ ebpf::HOST_ALIGN }>::zero_filled(32 * 1024);
    let stack_len = stack.len();
    let regions = vec![
        exe.get_ro_region(),
        MemoryRegion::new_gapped(&raw mut *stack.as_slice_mut(), ebpf::MM_STACK_START,
            if ver.stack_frame_gaps() && config.enable_stack_frame_gaps { config.stack_frame_size as u64 } else { 0 }),
        MemoryRegion::new(&raw mut *heap.as_slice_mut(), ebpf::MM_HEAP_START),
        MemoryRegion::new(&raw mut input[..], ebpf::MM_INPUT_START),
    ];
    let mm = unsafe { MemoryMapping::new(regions, &config, ver).unwrap() };
    let mut ctx = Ctx { remaining: budget, mm };
    let mut vm = EbpfVm::new(loader.clone(), ver, &mut ctx, stack_len);
    vm.registers[1] = ebpf::MM_INPUT_START;
    let mut frames = vec![CallFrame::default(); config.max_call_depth];
    let (count, res) = vm.execute_program(&exe, &mut ExecutionMode::Interpreted, &mut frames);
    let res: Result<u64, _> = res.into();
    let rs = match res { Ok(v) => format!("ok {}", v), Err(e) => format!("err {:?}", e) };
    writeln!(out, "{} count={} input={}", rs, count, tohex(&input)).unwrap();
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2).map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap()).collect()
}
fn tohex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{:02x}", x)).collect()
}

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout());
    for line in stdin.lock().lines() {
        let line = line.unwrap();
        let f: Vec<&str> = line.split(' ').collect();
        if f[0] == "elf" {
            run_elf(&mut out, f[1], f[2].parse().unwrap(), hex(if f.len() > 3 { f[3] } else { "" }));
            continue;
        }
        let ver = match f[0] { "0" => SBPFVersion::V0, "1" => SBPFVersion::V1, "2" => SBPFVersion::V2, "3" => SBPFVersion::V3, _ => SBPFVersion::V4 };
        let flags: u32 = f[1].parse().unwrap();
        let budget: u64 = f[2].parse().unwrap();
        let text = hex(f[3]);
        let mut input = hex(if f.len() > 4 { f[4] } else { "" });
        let config = Config {
            max_call_depth: 1 + ((flags >> 3) % 64) as usize,
            aligned_memory_mapping: flags & 0x80 != 0,
            enable_stack_frame_gaps: flags & 0x40 == 0,
            ..Config::default()
        };
        let mut loader = BuiltinProgram::<Ctx>::new_loader(config.clone());
        loader.register_function("gather", (Gather::vm, Gather::codegen)).unwrap();
        loader.register_function("burn", (Burn::vm, Burn::codegen)).unwrap();
        let loader = Arc::new(loader);
        let mut fr = FunctionRegistry::<usize>::default();
        if !ver.static_syscalls() {
            for pc in 0..text.len() / 8 {
                let _ = fr.register_function(pc as u32, b"", pc);
            }
        }
        let exe = match Executable::<Ctx>::from_text_bytes(&text, loader.clone(), ver, fr) {
            Ok(e) => e,
            Err(e) => { writeln!(out, "new {:?}", e).unwrap(); continue; }
        };
        if let Err(e) = exe.verify::<RequisiteVerifier>() {
            writeln!(out, "verify {:?}", e).unwrap();
            continue;
        }
        let mut stack = AlignedMemory::<{ ebpf::HOST_ALIGN }>::zero_filled(config.stack_size());
        let mut heap = AlignedMemory::<{ ebpf::HOST_ALIGN }>::zero_filled(256);
        let stack_len = stack.len();
        let regions = vec![
            exe.get_ro_region(),
            MemoryRegion::new_gapped(&raw mut *stack.as_slice_mut(), ebpf::MM_STACK_START,
                if ver.stack_frame_gaps() && config.enable_stack_frame_gaps { config.stack_frame_size as u64 } else { 0 }),
            MemoryRegion::new(&raw mut *heap.as_slice_mut(), ebpf::MM_HEAP_START),
        ];
        let mut regions = regions;
        let h = input.len() / 2;
        if flags & 0x100 != 0 {
            // split input: writable first half, read-only second half (unaligned mapping only)
            let (a, b) = input.split_at_mut(h);
            regions.push(MemoryRegion::new(&raw mut a[..], ebpf::MM_INPUT_START));
            regions.push(MemoryRegion::new(&raw const b[..], ebpf::MM_INPUT_START + h as u64));
        } else {
            regions.push(MemoryRegion::new(&raw mut input[..], ebpf::MM_INPUT_START));
        }
        let mm = match unsafe { MemoryMapping::new(regions, &config, ver) } { Ok(m) => m, Err(e) => { writeln!(out, "mapping {:?}", e).unwrap(); continue; } };
        let mut ctx = Ctx { remaining: budget, mm };
        let mut vm = EbpfVm::new(loader.clone(), ver, &mut ctx, stack_len);
        vm.registers[1] = ebpf::MM_INPUT_START;
        let mut frames = vec![CallFrame::default(); config.max_call_depth];
        let (count, res) = vm.execute_program(&exe, &mut ExecutionMode::Interpreted, &mut frames);
        let res: Result<u64, _> = res.into();
        let rs = match res { Ok(v) => format!("ok {}", v), Err(e) => format!("err {:?}", e) };
        writeln!(out, "{} count={} input={}", rs, count, tohex(&input)).unwrap();
    }
}
