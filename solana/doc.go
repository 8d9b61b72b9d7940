// Package solana is the slice of Agave's account model that sbpf-pvm needs to run one
// top-level instruction: accounts and instructions, the aligned input serialization of
// program-runtime/src/serialization.rs (ABI v1, used by bpf_loader and
// bpf_loader_upgradeable) and its deserialization with the BorrowedAccount rules, the
// compute cost table of execution_budget.rs, the sysvars the syscalls hand out, the state
// diff {account: old → new}, and the error-kind taxonomy shared by every runner.
//
// Feature set: the package follows Agave master as of late 2025 with the features active
// on mainnet at that time. Pending features (stricter_abi_and_runtime_constraints /
// account_data_direct_mapping, SIMD-0321 instruction-data offset in r2, SIMD-0449 account
// pointers) are treated as inactive, so the input region is one copied, writable buffer.
package solana
