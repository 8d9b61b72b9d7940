package pvm

import (
	"fmt"
	"strings"
)

// Profile selects the opcode numbering, the gas model and the host-call numbering.
type Profile uint8

const (
	// GP072 is Gray Paper 0.7.2: its opcode numbers, 1 gas per instruction charged per block.
	GP072 Profile = iota
	// GP080 is the Gray Paper 0.8 draft (polkavm JamV1 >= 0.31) with the pipeline gas model.
	GP080
	// Latest64 is polkavm's Latest64 numbering (0.7.2 plus memset=2, unlikely=3) with the
	// pipeline gas model: the numbering of the koute/new-gas-cost-model test vectors.
	Latest64
	numProfiles
)

var profileNames = [numProfiles]string{"gp072", "gp080", "latest64"}

// String returns the profile's command-line name.
func (p Profile) String() string {
	if p < numProfiles {
		return profileNames[p]
	}
	return fmt.Sprintf("profile(%d)", uint8(p))
}

// ParseProfile parses "gp072", "gp080" or "latest64" (case-insensitive).
func ParseProfile(s string) (Profile, error) {
	for i, n := range profileNames {
		if strings.EqualFold(s, n) {
			return Profile(i), nil
		}
	}
	return 0, fmt.Errorf("pvm: unknown profile %q (want gp072, gp080 or latest64)", s)
}

// PipelineGas reports whether the profile uses the GP 0.8 pipeline-simulation cost model.
func (p Profile) PipelineGas() bool { return p == GP080 || p == Latest64 }

// Opcode is a profile-independent logical opcode, one per instruction of spec §2.5.
type Opcode uint8

// The instruction set. Names are the Gray Paper mnemonics in CamelCase.
const (
	OpTrap Opcode = iota
	OpFallthrough
	OpUnlikely
	OpMemset
	OpEcalli
	OpLoadImm64
	OpStoreImmU8
	OpStoreImmU16
	OpStoreImmU32
	OpStoreImmU64
	OpJump
	OpJumpInd
	OpLoadImm
	OpLoadU8
	OpLoadI8
	OpLoadU16
	OpLoadI16
	OpLoadU32
	OpLoadI32
	OpLoadU64
	OpStoreU8
	OpStoreU16
	OpStoreU32
	OpStoreU64
	OpStoreImmIndU8
	OpStoreImmIndU16
	OpStoreImmIndU32
	OpStoreImmIndU64
	OpLoadImmJump
	OpBranchEqImm
	OpBranchNeImm
	OpBranchLtUImm
	OpBranchLeUImm
	OpBranchGeUImm
	OpBranchGtUImm
	OpBranchLtSImm
	OpBranchLeSImm
	OpBranchGeSImm
	OpBranchGtSImm
	OpMoveReg
	OpSbrk
	OpCountSetBits64
	OpCountSetBits32
	OpLeadingZeroBits64
	OpLeadingZeroBits32
	OpTrailingZeroBits64
	OpTrailingZeroBits32
	OpSignExtend8
	OpSignExtend16
	OpZeroExtend16
	OpReverseBytes
	OpStoreIndU8
	OpStoreIndU16
	OpStoreIndU32
	OpStoreIndU64
	OpLoadIndU8
	OpLoadIndI8
	OpLoadIndU16
	OpLoadIndI16
	OpLoadIndU32
	OpLoadIndI32
	OpLoadIndU64
	OpAddImm32
	OpAndImm
	OpXorImm
	OpOrImm
	OpMulImm32
	OpSetLtUImm
	OpSetLtSImm
	OpShloLImm32
	OpShloRImm32
	OpSharRImm32
	OpNegAddImm32
	OpSetGtUImm
	OpSetGtSImm
	OpShloLImmAlt32
	OpShloRImmAlt32
	OpSharRImmAlt32
	OpCmovIzImm
	OpCmovNzImm
	OpAddImm64
	OpMulImm64
	OpShloLImm64
	OpShloRImm64
	OpSharRImm64
	OpNegAddImm64
	OpShloLImmAlt64
	OpShloRImmAlt64
	OpSharRImmAlt64
	OpRotR64Imm
	OpRotR64ImmAlt
	OpRotR32Imm
	OpRotR32ImmAlt
	OpBranchEq
	OpBranchNe
	OpBranchLtU
	OpBranchLtS
	OpBranchGeU
	OpBranchGeS
	OpLoadImmJumpInd
	OpAdd32
	OpSub32
	OpMul32
	OpDivU32
	OpDivS32
	OpRemU32
	OpRemS32
	OpShloL32
	OpShloR32
	OpSharR32
	OpAdd64
	OpSub64
	OpMul64
	OpDivU64
	OpDivS64
	OpRemU64
	OpRemS64
	OpShloL64
	OpShloR64
	OpSharR64
	OpAnd
	OpXor
	OpOr
	OpMulUpperSS
	OpMulUpperUU
	OpMulUpperSU
	OpSetLtU
	OpSetLtS
	OpCmovIz
	OpCmovNz
	OpRotL64
	OpRotL32
	OpRotR64
	OpRotR32
	OpAndInv
	OpOrInv
	OpXnor
	OpMax
	OpMaxU
	OpMin
	OpMinU
	NumOpcodes
)

// Format is an operand layout of spec §2.2 (F0..F12).
type Format uint8

// Operand formats.
const (
	FmtNone         Format = iota // F0
	FmtImm                        // F1: X
	FmtRegImm64                   // F2: A, 64-bit X
	FmtImmImm                     // F3: X, Y
	FmtOffset                     // F4: T
	FmtRegImm                     // F5: A, X
	FmtRegImmImm                  // F6: A, X, Y
	FmtRegImmOffset               // F7: A, X, T
	FmtRegReg                     // F8: D, A
	FmtRegRegImm                  // F9: A, B, X
	FmtRegRegOffset               // F10: A, B, T
	FmtRegRegImmImm               // F11: A, B, X, Y
	FmtRegRegReg                  // F12: A, B, D
)

const noCode = -1

// opInfo describes one logical opcode: its mnemonic, operand format, whether it ends a
// basic block, and its number in each profile (noCode when absent).
type opInfo struct {
	name  string
	pname string // polkavm's name (disassembler, test names)
	fmt   Format
	term  bool
	code  [numProfiles]int16
}

// same builds a code array for an opcode numbered n in every profile.
func same(n int16) [numProfiles]int16 { return [numProfiles]int16{n, n, n} }

var opTable = [NumOpcodes]opInfo{
	OpTrap:               {"trap", "trap", FmtNone, true, same(0)},
	OpFallthrough:        {"fallthrough", "fallthrough", FmtNone, true, same(1)},
	OpUnlikely:           {"unlikely", "unlikely", FmtNone, false, [numProfiles]int16{noCode, 2, 3}},
	OpMemset:             {"memset", "memset", FmtNone, false, [numProfiles]int16{noCode, noCode, 2}},
	OpEcalli:             {"ecalli", "ecalli", FmtImm, false, same(10)},
	OpLoadImm64:          {"load_imm_64", "load_imm64", FmtRegImm64, false, same(20)},
	OpStoreImmU8:         {"store_imm_u8", "store_imm_u8", FmtImmImm, false, same(30)},
	OpStoreImmU16:        {"store_imm_u16", "store_imm_u16", FmtImmImm, false, same(31)},
	OpStoreImmU32:        {"store_imm_u32", "store_imm_u32", FmtImmImm, false, same(32)},
	OpStoreImmU64:        {"store_imm_u64", "store_imm_u64", FmtImmImm, false, same(33)},
	OpJump:               {"jump", "jump", FmtOffset, true, same(40)},
	OpJumpInd:            {"jump_ind", "jump_indirect", FmtRegImm, true, same(50)},
	OpLoadImm:            {"load_imm", "load_imm", FmtRegImm, false, same(51)},
	OpLoadU8:             {"load_u8", "load_u8", FmtRegImm, false, same(52)},
	OpLoadI8:             {"load_i8", "load_i8", FmtRegImm, false, same(53)},
	OpLoadU16:            {"load_u16", "load_u16", FmtRegImm, false, same(54)},
	OpLoadI16:            {"load_i16", "load_i16", FmtRegImm, false, same(55)},
	OpLoadU32:            {"load_u32", "load_u32", FmtRegImm, false, same(56)},
	OpLoadI32:            {"load_i32", "load_i32", FmtRegImm, false, same(57)},
	OpLoadU64:            {"load_u64", "load_u64", FmtRegImm, false, same(58)},
	OpStoreU8:            {"store_u8", "store_u8", FmtRegImm, false, same(59)},
	OpStoreU16:           {"store_u16", "store_u16", FmtRegImm, false, same(60)},
	OpStoreU32:           {"store_u32", "store_u32", FmtRegImm, false, same(61)},
	OpStoreU64:           {"store_u64", "store_u64", FmtRegImm, false, same(62)},
	OpStoreImmIndU8:      {"store_imm_ind_u8", "store_imm_indirect_u8", FmtRegImmImm, false, same(70)},
	OpStoreImmIndU16:     {"store_imm_ind_u16", "store_imm_indirect_u16", FmtRegImmImm, false, same(71)},
	OpStoreImmIndU32:     {"store_imm_ind_u32", "store_imm_indirect_u32", FmtRegImmImm, false, same(72)},
	OpStoreImmIndU64:     {"store_imm_ind_u64", "store_imm_indirect_u64", FmtRegImmImm, false, same(73)},
	OpLoadImmJump:        {"load_imm_jump", "load_imm_and_jump", FmtRegImmOffset, true, same(80)},
	OpBranchEqImm:        {"branch_eq_imm", "branch_eq_imm", FmtRegImmOffset, true, same(81)},
	OpBranchNeImm:        {"branch_ne_imm", "branch_not_eq_imm", FmtRegImmOffset, true, same(82)},
	OpBranchLtUImm:       {"branch_lt_u_imm", "branch_less_unsigned_imm", FmtRegImmOffset, true, same(83)},
	OpBranchLeUImm:       {"branch_le_u_imm", "branch_less_or_equal_unsigned_imm", FmtRegImmOffset, true, same(84)},
	OpBranchGeUImm:       {"branch_ge_u_imm", "branch_greater_or_equal_unsigned_imm", FmtRegImmOffset, true, same(85)},
	OpBranchGtUImm:       {"branch_gt_u_imm", "branch_greater_unsigned_imm", FmtRegImmOffset, true, same(86)},
	OpBranchLtSImm:       {"branch_lt_s_imm", "branch_less_signed_imm", FmtRegImmOffset, true, same(87)},
	OpBranchLeSImm:       {"branch_le_s_imm", "branch_less_or_equal_signed_imm", FmtRegImmOffset, true, same(88)},
	OpBranchGeSImm:       {"branch_ge_s_imm", "branch_greater_or_equal_signed_imm", FmtRegImmOffset, true, same(89)},
	OpBranchGtSImm:       {"branch_gt_s_imm", "branch_greater_signed_imm", FmtRegImmOffset, true, same(90)},
	OpMoveReg:            {"move_reg", "move_reg", FmtRegReg, false, same(100)},
	OpSbrk:               {"sbrk", "sbrk", FmtRegReg, false, [numProfiles]int16{101, noCode, 101}},
	OpCountSetBits64:     {"count_set_bits_64", "count_set_bits_64", FmtRegReg, false, [numProfiles]int16{102, 101, 102}},
	OpCountSetBits32:     {"count_set_bits_32", "count_set_bits_32", FmtRegReg, false, [numProfiles]int16{103, 102, 103}},
	OpLeadingZeroBits64:  {"leading_zero_bits_64", "count_leading_zero_bits_64", FmtRegReg, false, [numProfiles]int16{104, 103, 104}},
	OpLeadingZeroBits32:  {"leading_zero_bits_32", "count_leading_zero_bits_32", FmtRegReg, false, [numProfiles]int16{105, 104, 105}},
	OpTrailingZeroBits64: {"trailing_zero_bits_64", "count_trailing_zero_bits_64", FmtRegReg, false, [numProfiles]int16{106, 105, 106}},
	OpTrailingZeroBits32: {"trailing_zero_bits_32", "count_trailing_zero_bits_32", FmtRegReg, false, [numProfiles]int16{107, 106, 107}},
	OpSignExtend8:        {"sign_extend_8", "sign_extend_8", FmtRegReg, false, [numProfiles]int16{108, 107, 108}},
	OpSignExtend16:       {"sign_extend_16", "sign_extend_16", FmtRegReg, false, [numProfiles]int16{109, 108, 109}},
	OpZeroExtend16:       {"zero_extend_16", "zero_extend_16", FmtRegReg, false, [numProfiles]int16{110, 109, 110}},
	OpReverseBytes:       {"reverse_bytes", "reverse_byte", FmtRegReg, false, [numProfiles]int16{111, 110, 111}},
	OpStoreIndU8:         {"store_ind_u8", "store_indirect_u8", FmtRegRegImm, false, same(120)},
	OpStoreIndU16:        {"store_ind_u16", "store_indirect_u16", FmtRegRegImm, false, same(121)},
	OpStoreIndU32:        {"store_ind_u32", "store_indirect_u32", FmtRegRegImm, false, same(122)},
	OpStoreIndU64:        {"store_ind_u64", "store_indirect_u64", FmtRegRegImm, false, same(123)},
	OpLoadIndU8:          {"load_ind_u8", "load_indirect_u8", FmtRegRegImm, false, same(124)},
	OpLoadIndI8:          {"load_ind_i8", "load_indirect_i8", FmtRegRegImm, false, same(125)},
	OpLoadIndU16:         {"load_ind_u16", "load_indirect_u16", FmtRegRegImm, false, same(126)},
	OpLoadIndI16:         {"load_ind_i16", "load_indirect_i16", FmtRegRegImm, false, same(127)},
	OpLoadIndU32:         {"load_ind_u32", "load_indirect_u32", FmtRegRegImm, false, same(128)},
	OpLoadIndI32:         {"load_ind_i32", "load_indirect_i32", FmtRegRegImm, false, same(129)},
	OpLoadIndU64:         {"load_ind_u64", "load_indirect_u64", FmtRegRegImm, false, same(130)},
	OpAddImm32:           {"add_imm_32", "add_imm_32", FmtRegRegImm, false, same(131)},
	OpAndImm:             {"and_imm", "and_imm", FmtRegRegImm, false, same(132)},
	OpXorImm:             {"xor_imm", "xor_imm", FmtRegRegImm, false, same(133)},
	OpOrImm:              {"or_imm", "or_imm", FmtRegRegImm, false, same(134)},
	OpMulImm32:           {"mul_imm_32", "mul_imm_32", FmtRegRegImm, false, same(135)},
	OpSetLtUImm:          {"set_lt_u_imm", "set_less_than_unsigned_imm", FmtRegRegImm, false, same(136)},
	OpSetLtSImm:          {"set_lt_s_imm", "set_less_than_signed_imm", FmtRegRegImm, false, same(137)},
	OpShloLImm32:         {"shlo_l_imm_32", "shift_logical_left_imm_32", FmtRegRegImm, false, same(138)},
	OpShloRImm32:         {"shlo_r_imm_32", "shift_logical_right_imm_32", FmtRegRegImm, false, same(139)},
	OpSharRImm32:         {"shar_r_imm_32", "shift_arithmetic_right_imm_32", FmtRegRegImm, false, same(140)},
	OpNegAddImm32:        {"neg_add_imm_32", "negate_and_add_imm_32", FmtRegRegImm, false, same(141)},
	OpSetGtUImm:          {"set_gt_u_imm", "set_greater_than_unsigned_imm", FmtRegRegImm, false, same(142)},
	OpSetGtSImm:          {"set_gt_s_imm", "set_greater_than_signed_imm", FmtRegRegImm, false, same(143)},
	OpShloLImmAlt32:      {"shlo_l_imm_alt_32", "shift_logical_left_imm_alt_32", FmtRegRegImm, false, same(144)},
	OpShloRImmAlt32:      {"shlo_r_imm_alt_32", "shift_logical_right_imm_alt_32", FmtRegRegImm, false, same(145)},
	OpSharRImmAlt32:      {"shar_r_imm_alt_32", "shift_arithmetic_right_imm_alt_32", FmtRegRegImm, false, same(146)},
	OpCmovIzImm:          {"cmov_iz_imm", "cmov_if_zero_imm", FmtRegRegImm, false, same(147)},
	OpCmovNzImm:          {"cmov_nz_imm", "cmov_if_not_zero_imm", FmtRegRegImm, false, same(148)},
	OpAddImm64:           {"add_imm_64", "add_imm_64", FmtRegRegImm, false, same(149)},
	OpMulImm64:           {"mul_imm_64", "mul_imm_64", FmtRegRegImm, false, same(150)},
	OpShloLImm64:         {"shlo_l_imm_64", "shift_logical_left_imm_64", FmtRegRegImm, false, same(151)},
	OpShloRImm64:         {"shlo_r_imm_64", "shift_logical_right_imm_64", FmtRegRegImm, false, same(152)},
	OpSharRImm64:         {"shar_r_imm_64", "shift_arithmetic_right_imm_64", FmtRegRegImm, false, same(153)},
	OpNegAddImm64:        {"neg_add_imm_64", "negate_and_add_imm_64", FmtRegRegImm, false, same(154)},
	OpShloLImmAlt64:      {"shlo_l_imm_alt_64", "shift_logical_left_imm_alt_64", FmtRegRegImm, false, same(155)},
	OpShloRImmAlt64:      {"shlo_r_imm_alt_64", "shift_logical_right_imm_alt_64", FmtRegRegImm, false, same(156)},
	OpSharRImmAlt64:      {"shar_r_imm_alt_64", "shift_arithmetic_right_imm_alt_64", FmtRegRegImm, false, same(157)},
	OpRotR64Imm:          {"rot_r_64_imm", "rotate_right_imm_64", FmtRegRegImm, false, same(158)},
	OpRotR64ImmAlt:       {"rot_r_64_imm_alt", "rotate_right_imm_alt_64", FmtRegRegImm, false, same(159)},
	OpRotR32Imm:          {"rot_r_32_imm", "rotate_right_imm_32", FmtRegRegImm, false, same(160)},
	OpRotR32ImmAlt:       {"rot_r_32_imm_alt", "rotate_right_imm_alt_32", FmtRegRegImm, false, same(161)},
	OpBranchEq:           {"branch_eq", "branch_eq", FmtRegRegOffset, true, same(170)},
	OpBranchNe:           {"branch_ne", "branch_not_eq", FmtRegRegOffset, true, same(171)},
	OpBranchLtU:          {"branch_lt_u", "branch_less_unsigned", FmtRegRegOffset, true, same(172)},
	OpBranchLtS:          {"branch_lt_s", "branch_less_signed", FmtRegRegOffset, true, same(173)},
	OpBranchGeU:          {"branch_ge_u", "branch_greater_or_equal_unsigned", FmtRegRegOffset, true, same(174)},
	OpBranchGeS:          {"branch_ge_s", "branch_greater_or_equal_signed", FmtRegRegOffset, true, same(175)},
	OpLoadImmJumpInd:     {"load_imm_jump_ind", "load_imm_and_jump_indirect", FmtRegRegImmImm, true, same(180)},
	OpAdd32:              {"add_32", "add_32", FmtRegRegReg, false, same(190)},
	OpSub32:              {"sub_32", "sub_32", FmtRegRegReg, false, same(191)},
	OpMul32:              {"mul_32", "mul_32", FmtRegRegReg, false, same(192)},
	OpDivU32:             {"div_u_32", "div_unsigned_32", FmtRegRegReg, false, same(193)},
	OpDivS32:             {"div_s_32", "div_signed_32", FmtRegRegReg, false, same(194)},
	OpRemU32:             {"rem_u_32", "rem_unsigned_32", FmtRegRegReg, false, same(195)},
	OpRemS32:             {"rem_s_32", "rem_signed_32", FmtRegRegReg, false, same(196)},
	OpShloL32:            {"shlo_l_32", "shift_logical_left_32", FmtRegRegReg, false, same(197)},
	OpShloR32:            {"shlo_r_32", "shift_logical_right_32", FmtRegRegReg, false, same(198)},
	OpSharR32:            {"shar_r_32", "shift_arithmetic_right_32", FmtRegRegReg, false, same(199)},
	OpAdd64:              {"add_64", "add_64", FmtRegRegReg, false, same(200)},
	OpSub64:              {"sub_64", "sub_64", FmtRegRegReg, false, same(201)},
	OpMul64:              {"mul_64", "mul_64", FmtRegRegReg, false, same(202)},
	OpDivU64:             {"div_u_64", "div_unsigned_64", FmtRegRegReg, false, same(203)},
	OpDivS64:             {"div_s_64", "div_signed_64", FmtRegRegReg, false, same(204)},
	OpRemU64:             {"rem_u_64", "rem_unsigned_64", FmtRegRegReg, false, same(205)},
	OpRemS64:             {"rem_s_64", "rem_signed_64", FmtRegRegReg, false, same(206)},
	OpShloL64:            {"shlo_l_64", "shift_logical_left_64", FmtRegRegReg, false, same(207)},
	OpShloR64:            {"shlo_r_64", "shift_logical_right_64", FmtRegRegReg, false, same(208)},
	OpSharR64:            {"shar_r_64", "shift_arithmetic_right_64", FmtRegRegReg, false, same(209)},
	OpAnd:                {"and", "and", FmtRegRegReg, false, same(210)},
	OpXor:                {"xor", "xor", FmtRegRegReg, false, same(211)},
	OpOr:                 {"or", "or", FmtRegRegReg, false, same(212)},
	OpMulUpperSS:         {"mul_upper_s_s", "mul_upper_signed_signed", FmtRegRegReg, false, same(213)},
	OpMulUpperUU:         {"mul_upper_u_u", "mul_upper_unsigned_unsigned", FmtRegRegReg, false, same(214)},
	OpMulUpperSU:         {"mul_upper_s_u", "mul_upper_signed_unsigned", FmtRegRegReg, false, same(215)},
	OpSetLtU:             {"set_lt_u", "set_less_than_unsigned", FmtRegRegReg, false, same(216)},
	OpSetLtS:             {"set_lt_s", "set_less_than_signed", FmtRegRegReg, false, same(217)},
	OpCmovIz:             {"cmov_iz", "cmov_if_zero", FmtRegRegReg, false, same(218)},
	OpCmovNz:             {"cmov_nz", "cmov_if_not_zero", FmtRegRegReg, false, same(219)},
	OpRotL64:             {"rot_l_64", "rotate_left_64", FmtRegRegReg, false, same(220)},
	OpRotL32:             {"rot_l_32", "rotate_left_32", FmtRegRegReg, false, same(221)},
	OpRotR64:             {"rot_r_64", "rotate_right_64", FmtRegRegReg, false, same(222)},
	OpRotR32:             {"rot_r_32", "rotate_right_32", FmtRegRegReg, false, same(223)},
	OpAndInv:             {"and_inv", "and_inverted", FmtRegRegReg, false, same(224)},
	OpOrInv:              {"or_inv", "or_inverted", FmtRegRegReg, false, same(225)},
	OpXnor:               {"xnor", "xnor", FmtRegRegReg, false, same(226)},
	OpMax:                {"max", "maximum", FmtRegRegReg, false, same(227)},
	OpMaxU:               {"max_u", "maximum_unsigned", FmtRegRegReg, false, same(228)},
	OpMin:                {"min", "minimum", FmtRegRegReg, false, same(229)},
	OpMinU:               {"min_u", "minimum_unsigned", FmtRegRegReg, false, same(230)},
}

// decodeTable maps a profile's opcode byte to the logical opcode; invalidOp marks holes.
var decodeTable [numProfiles][256]Opcode

const invalidOp = Opcode(0xFF)

func init() {
	for p := range decodeTable {
		for i := range decodeTable[p] {
			decodeTable[p][i] = invalidOp
		}
	}
	for o := Opcode(0); o < NumOpcodes; o++ {
		for p, c := range opTable[o].code {
			if c != noCode {
				decodeTable[p][c] = o
			}
		}
	}
}

// String returns the Gray Paper mnemonic (e.g. "load_imm_64").
func (o Opcode) String() string {
	if o < NumOpcodes {
		return opTable[o].name
	}
	return fmt.Sprintf("opcode(%d)", uint8(o))
}

// PolkaVMName returns polkavm's name of the instruction (e.g. "load_imm64").
func (o Opcode) PolkaVMName() string {
	if o < NumOpcodes {
		return opTable[o].pname
	}
	return o.String()
}

// Format returns the operand format of o.
func (o Opcode) Format() Format {
	if o < NumOpcodes {
		return opTable[o].fmt
	}
	return FmtNone
}

// IsTerminator reports whether o ends a basic block (spec §2.3).
func (o Opcode) IsTerminator() bool { return o < NumOpcodes && opTable[o].term }

// IsBranch reports whether o is a conditional branch (register or immediate form).
func (o Opcode) IsBranch() bool {
	return (o >= OpBranchEqImm && o <= OpBranchGtSImm) || (o >= OpBranchEq && o <= OpBranchGeS)
}

// OpcodeByName finds an opcode by its Gray Paper mnemonic or its polkavm name.
func OpcodeByName(name string) (Opcode, bool) {
	for o := Opcode(0); o < NumOpcodes; o++ {
		if opTable[o].name == name || opTable[o].pname == name {
			return o, true
		}
	}
	return 0, false
}

// Encode returns the opcode byte of o in profile p; false if the profile lacks o.
func (p Profile) Encode(o Opcode) (byte, bool) {
	if p >= numProfiles || o >= NumOpcodes {
		return 0, false
	}
	c := opTable[o].code[p]
	if c == noCode {
		return 0, false
	}
	return byte(c), true
}

// Decode returns the logical opcode of byte b in profile p; false if b is not valid there.
func (p Profile) Decode(b byte) (Opcode, bool) {
	if p >= numProfiles {
		return 0, false
	}
	o := decodeTable[p][b]
	return o, o != invalidOp
}
