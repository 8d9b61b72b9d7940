// Package solana is the slice of Agave's account model that sbpf-pvm needs to run one
// top-level instruction: accounts and instructions, the aligned input serialization of
// program-runtime/src/serialization.rs (ABI v1, used by bpf_loader and
// bpf_loader_upgradeable) and its deserialization with the BorrowedAccount rules, the
// compute cost table of execution_budget.rs, the sysvars the syscalls hand out, the state
// diff {account: old → new}, and the error-kind taxonomy shared by every runner.
//
// # What makes an instruction fail after the program returned 0
//
// Agave checks the program's writes when it copies the input region back (Deserialize,
// in this order per instruction account, duplicates skipped):
//
//  1. lamports changed: ExternalAccountLamportSpend if they decreased on an account the
//     program does not own, ReadonlyLamportChange if the account is not writable;
//  2. data length: InvalidRealloc if it grew by more than MaxPermittedDataIncrease
//     (10 KiB) or exceeds MaxPermittedDataLength (10 MiB);
//  3. data changed (content or length; writing back identical bytes is not a change):
//     AccountDataSizeChanged (length changed, not the owner), InvalidRealloc,
//     MaxAccountsDataAllocationsExceeded, ReadonlyDataModified, ExternalAccountDataModified;
//  4. owner changed: ModifiedProgramId unless the program owns the account, the account
//     is writable and its data (after step 3) is all zeros.
//
// A failed check is reported as "Program <id> failed: <error>". After the "success" line,
// TransactionContext::pop checks that the instruction's accounts hold as many lamports as
// before (CheckBalanced: UnbalancedInstruction). Key, executable flag and rent epoch are
// never read back, so a program cannot change them. Rent-exemption of the new state is a
// transaction-level check (InsufficientFundsForRent) and is not an instruction error.
//
// # Feature set
//
// The package follows Agave master as of late 2025 with the features active on mainnet
// at that time. Pending features (stricter_abi_and_runtime_constraints /
// account_data_direct_mapping, SIMD-0321 instruction-data offset in r2, SIMD-0449 account
// pointers, syscall_parameter_address_restrictions) are treated as inactive, so the input
// region is one copied, writable buffer. The executable-flag checks of BorrowedAccount are
// gone (remove_accounts_executable_flag_checks) and the serialized rent epoch is always
// u64::MAX, as on master.
package solana
