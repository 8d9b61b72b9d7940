package sbpf

// NewStandardMapping builds the canonical layout (test_utils create_memory_mapping
// and agave's create_vm): the read-only region of exe, the stack at MMStackStart
// (gapped with frame-sized gaps on v0 when enabled), the heap at MMHeapStart and
// the input at MMInputStart, or inputRegions instead of input when non-nil.
// A nil stack is allocated zeroed with Config.StackSize().
func NewStandardMapping(exe *Executable, stack, heap, input []byte, inputRegions []MemoryRegion) (*MemoryMapping, error) {
	cfg := exe.Config()
	if stack == nil {
		stack = make([]byte, cfg.StackSize())
	}
	var gap uint64
	if exe.Version.StackFrameGaps() && cfg.EnableStackFrameGaps {
		gap = uint64(cfg.StackFrameSize)
	}
	regions := []MemoryRegion{
		exe.RodataRegion(),
		NewRegionWritableGapped(stack, MMStackStart, gap),
		NewRegionWritable(heap, MMHeapStart),
	}
	if inputRegions != nil {
		regions = append(regions, inputRegions...)
	} else {
		regions = append(regions, NewRegionWritable(input, MMInputStart))
	}
	return NewMemoryMapping(regions, cfg, exe.Version)
}
