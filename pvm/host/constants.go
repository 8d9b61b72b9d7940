package host

import "encoding/binary"

// ConstantsBlob returns fetch kind 0 for the full-size chain of GP 0.7.2 (text/
// pvm_invocations.tex, fetch; values from text/definitions.tex at graypaper e032dbf0):
// deposits, core count, periods, gas limits, sizes and counts in their fixed widths.
func ConstantsBlob() []byte {
	var b []byte
	u8 := func(v uint64) { b = binary.LittleEndian.AppendUint64(b, v) }
	u4 := func(v uint32) { b = binary.LittleEndian.AppendUint32(b, v) }
	u2 := func(v uint16) { b = binary.LittleEndian.AppendUint16(b, v) }
	u8(10)            // B_I item deposit
	u8(1)             // B_L byte deposit
	u8(100)           // B_S base deposit
	u2(341)           // C core count
	u4(19_200)        // D expunge period
	u4(600)           // E epoch length
	u8(10_000_000)    // G_A report accumulation gas
	u8(50_000_000)    // G_I is-authorized gas
	u8(5_000_000_000) // G_R refine gas
	u8(3_500_000_000) // G_T block accumulation gas
	u2(8)             // H recent history
	u2(16)            // I work items per package
	u2(8)             // J report dependencies
	u2(16)            // K tickets per block
	u4(14_400)        // L lookup anchor age
	u2(2)             // N ticket entries
	u2(8)             // O authorization pool
	u2(6)             // P slot seconds
	u2(80)            // Q authorization queue
	u2(10)            // R rotation period
	u2(128)           // T extrinsics per package
	u2(5)             // U assurance timeout
	u2(1023)          // V validators
	u4(64_000)        // W_A authorizer code
	u4(13_791_360)    // W_B bundle size
	u4(4_000_000)     // W_C service code
	u4(684)           // W_E erasure-coded piece
	u4(3_072)         // W_M imports per package
	u4(6)             // W_P pieces per segment
	u4(48 << 10)      // W_R work-report blobs
	u4(128)           // W_T transfer memo
	u4(3_072)         // W_X exports per package
	u4(500)           // Y ticket submission end
	return b
}
