package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sbpf-pvm/sbpf-pvm/pvm"
	"github.com/sbpf-pvm/sbpf-pvm/pvm/host"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// pvmCmd groups the PVM subcommands; the linker adds `link` and `cc` from its own file.
var pvmCmd = &cobra.Command{
	Use:   "pvm",
	Short: "Run, disassemble and build PVM programs",
}

var pvmcRunOpts struct {
	profile string
	format  string
	entry   uint32
	export  string
	gas     int64
	arg     string
	stack   uint32
	json    bool
	trace   int
	perInsn bool
}

var pvmcRunCmd = &cobra.Command{
	Use:   "run BLOB",
	Short: "Run a PVM blob (standard program, service code, .polkavm or program blob) and report its exit and gas",
	Long: `Run a PVM blob with the standard program initialization and the refine host calls
(gas, fetch, log, export, historical_lookup, inner machines; grow_heap in gp080).
The blob format is detected (a .polkavm container, a JAM standard program, a service code
preimage with metadata, or a bare program blob run with an empty data layout) unless
--format names it. Prints the status, gas used, registers, output and the host-call log.`,
	Args: cobra.ExactArgs(1),
	RunE: pvmcRun,
}

var pvmcDisasmOpts struct {
	profile string
	format  string
}

var pvmcDisasmCmd = &cobra.Command{
	Use:   "disasm BLOB",
	Short: "Disassemble a PVM blob: instructions, block starts and block gas costs",
	Args:  cobra.ExactArgs(1),
	RunE:  pvmcDisasm,
}

func init() {
	f := pvmcRunCmd.Flags()
	f.StringVar(&pvmcRunOpts.profile, "profile", "", "gp072 | gp080 | latest64 (default: gp080, or the .polkavm container's instruction set)")
	f.StringVar(&pvmcRunOpts.format, "format", "auto", "auto | polkavm | standard | service | program")
	f.Uint32Var(&pvmcRunOpts.entry, "entry", 0, "entry pc (0 = refine, 5 = accumulate)")
	f.StringVar(&pvmcRunOpts.export, "export", "", "entry point by export name (.polkavm only)")
	f.Int64Var(&pvmcRunOpts.gas, "gas", 1_000_000_000, "gas limit")
	f.StringVar(&pvmcRunOpts.arg, "arg", "", "argument bytes in hex (placed at 0xFEFF0000; a0 = pointer, a1 = length)")
	f.Uint32Var(&pvmcRunOpts.stack, "stack", 64<<10, "stack size for a bare program blob")
	f.BoolVar(&pvmcRunOpts.json, "json", false, "print the result as JSON")
	f.BoolVar(&pvmcRunOpts.perInsn, "per-instruction-gas", false, "charge 1 gas before every instruction (Gray Paper 0.7.2 text) instead of whole blocks on entry")
	f.IntVar(&pvmcRunOpts.trace, "trace", 0, "print the first N executed instructions with the registers they change (to stderr)")
	pvmCmd.AddCommand(pvmcRunCmd)

	d := pvmcDisasmCmd.Flags()
	d.StringVar(&pvmcDisasmOpts.profile, "profile", "", "gp072 | gp080 | latest64 (default: gp080, or the container's instruction set)")
	d.StringVar(&pvmcDisasmOpts.format, "format", "auto", "auto | polkavm | standard | service | program")
	pvmCmd.AddCommand(pvmcDisasmCmd)

	rootCmd.AddCommand(pvmCmd)
}

// pvmcLoaded is a blob read from disk in whichever format it had.
type pvmcLoaded struct {
	format  string
	sp      *pvm.StandardProgram
	module  *pvm.Module
	profile pvm.Profile
	hasISA  bool
}

func pvmcLoad(path, format string, stack uint32) (*pvmcLoaded, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("%v", err)
	}
	l := &pvmcLoaded{format: format}
	try := func(name string) error {
		switch name {
		case "polkavm":
			m, err := pvm.ParsePolkaVM(raw)
			if err != nil {
				return err
			}
			l.module, l.sp = m, m.StandardProgram()
			l.profile, l.hasISA = m.Profile()
			if !l.hasISA {
				return fmt.Errorf("pvm: .polkavm instruction set %d is not supported", m.ISA)
			}
		case "standard":
			sp, err := pvm.ParseStandardProgram(raw)
			if err != nil {
				return err
			}
			l.sp = sp
		case "service":
			_, sp, err := pvm.ParseServiceCode(raw)
			if err != nil {
				return err
			}
			l.sp = sp
		case "program":
			p, err := pvm.ParseProgram(raw)
			if err != nil {
				return err
			}
			l.sp = &pvm.StandardProgram{Code: p, StackSize: stack}
		default:
			return fmt.Errorf("unknown format %q", name)
		}
		l.format = name
		return nil
	}
	if format != "auto" {
		if err := try(format); err != nil {
			return nil, usagef("%s: %v", path, err)
		}
		return l, nil
	}
	order := []string{"standard", "service", "program"}
	if strings.HasPrefix(string(raw), "PVM\x00") {
		order = []string{"polkavm"}
	}
	var errs []string
	for _, f := range order {
		err := try(f)
		if err == nil {
			return l, nil
		}
		errs = append(errs, f+": "+err.Error())
	}
	return nil, usagef("%s: not a PVM blob (%s)", path, strings.Join(errs, "; "))
}

func pvmcProfile(flag string, l *pvmcLoaded) (pvm.Profile, error) {
	if flag != "" {
		p, err := pvm.ParseProfile(flag)
		if err != nil {
			return 0, usagef("%v", err)
		}
		return p, nil
	}
	if l.hasISA {
		return l.profile, nil
	}
	return pvm.GP080, nil
}

// pvmcHostLog records every host call for the report.
type pvmcHostLog struct {
	inner   *host.Refine
	profile pvm.Profile
	calls   []pvmcHostCall
}

type pvmcHostCall struct {
	ID        uint64 `json:"id"`
	Name      string `json:"name"`
	PC        uint32 `json:"pc"`
	GasBefore int64  `json:"gas_before"`
	GasAfter  int64  `json:"gas_after"`
	Result    uint64 `json:"a0"`
}

func (h *pvmcHostLog) HostCall(id uint64, m *pvm.Machine) (bool, error) {
	name := fmt.Sprintf("unknown(%d)", id)
	if c, ok := host.CallOf(h.profile, id); ok {
		name = c.String()
	}
	before := m.Gas
	cont, err := h.inner.HostCall(id, m)
	h.calls = append(h.calls, pvmcHostCall{ID: id, Name: name, PC: m.PC, GasBefore: before, GasAfter: m.Gas, Result: m.Regs[7]})
	return cont, err
}

type pvmcRunReport struct {
	Blob         string            `json:"blob"`
	Format       string            `json:"format"`
	Profile      string            `json:"profile"`
	Entry        uint32            `json:"entry"`
	Status       string            `json:"status"`
	ExitStatus   string            `json:"exit_status"`
	ExitPC       uint32            `json:"exit_pc"`
	FaultAddress *uint32           `json:"fault_address,omitempty"`
	Error        string            `json:"error,omitempty"`
	GasLimit     int64             `json:"gas_limit"`
	GasUsed      int64             `json:"gas_used"`
	Instructions uint64            `json:"instructions"`
	Registers    map[string]uint64 `json:"registers"`
	Output       string            `json:"output"`
	HostCalls    []pvmcHostCall    `json:"host_calls"`
	Logs         []host.LogEntry   `json:"logs"`
}

func pvmcRun(cmd *cobra.Command, args []string) error {
	o := pvmcRunOpts
	l, err := pvmcLoad(args[0], o.format, o.stack)
	if err != nil {
		return err
	}
	p, err := pvmcProfile(o.profile, l)
	if err != nil {
		return err
	}
	entry := o.entry
	if o.export != "" {
		if l.module == nil {
			return usagef("--export needs a .polkavm container")
		}
		e, ok := l.module.Export(o.export)
		if !ok {
			return usagef("no export %q", o.export)
		}
		entry = e.PC
	}
	arg, err := runners.ParseHex(o.arg)
	if err != nil {
		return usagef("--arg: %v", err)
	}
	if o.gas < 0 {
		return usagef("--gas must not be negative")
	}
	hl := &pvmcHostLog{inner: &host.Refine{Profile: p}, profile: p}
	var res *pvm.RunResult
	opts := pvm.Options{PerInstructionGas: o.perInsn}
	d, err := pvm.DecodeWith(p, l.sp.Code, opts)
	switch {
	case err != nil:
		// The program does not decode under this profile: Ψ_M's panic with no gas used.
		res = &pvm.RunResult{Status: pvm.StatusPanic, Exit: pvm.Exit{Status: pvm.StatusPanic, GasLeft: o.gas, Err: err}}
	case o.trace > 0:
		res, err = pvmcTraceRun(cmd.ErrOrStderr(), d, l.sp, entry, arg, o.gas, hl, o.trace)
	default:
		res = pvm.RunStandardDecoded(d, l.sp, entry, arg, o.gas, hl)
	}
	if err != nil {
		return usagef("%v", err)
	}
	rep := pvmcRunReport{
		Blob: args[0], Format: l.format, Profile: p.String(), Entry: entry,
		Status: res.Status.String(), ExitStatus: res.Exit.Status.String(), ExitPC: res.Exit.PC,
		GasLimit: o.gas, GasUsed: res.GasUsed, Instructions: res.Instructions,
		Registers: map[string]uint64{}, Output: hex.EncodeToString(res.Output),
		HostCalls: hl.calls, Logs: hl.inner.Logs,
	}
	if res.Exit.Status == pvm.StatusPageFault {
		a := res.Exit.FaultAddr
		rep.FaultAddress = &a
	}
	if res.Exit.Err != nil {
		rep.Error = res.Exit.Err.Error()
	}
	for i, v := range res.Regs {
		rep.Registers[pvm.RegName(i)] = v
	}
	w := cmd.OutOrStdout()
	if o.json {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	pvmcPrintRun(w, &rep, res.Regs)
	return nil
}

// pvmcTraceRun runs like RunStandard but single-steps the first limit instructions,
// printing each with the registers it changed and the gas left.
func pvmcTraceRun(w io.Writer, d *pvm.Decoded, sp *pvm.StandardProgram, entry uint32, arg []byte, gas int64, hc pvm.HostCaller, limit int) (*pvm.RunResult, error) {
	m, err := pvm.InitStandard(d, sp, entry, arg, gas)
	if err != nil {
		// Y failed: Ψ_M's panic with no gas used.
		return &pvm.RunResult{Status: pvm.StatusPanic, Exit: pvm.Exit{Status: pvm.StatusPanic, GasLeft: gas, Err: err}}, nil
	}
	m.Host = hc
	text := map[uint32]string{}
	for _, di := range d.Instructions() {
		if di.Valid {
			text[di.PC] = di.Inst.String()
		} else {
			text[di.PC] = "invalid"
		}
	}
	for n := 0; n < limit; n++ {
		pc, before, gasBefore := m.PC, m.Regs, m.Gas
		ex, done := m.Step()
		var changed []string
		for i, v := range m.Regs {
			if v != before[i] {
				changed = append(changed, fmt.Sprintf("%s=0x%x", pvm.RegName(i), v))
			}
		}
		fmt.Fprintf(w, "%8d: %-40s gas %d -> %d  %s\n", pc, text[pc], gasBefore, m.Gas, strings.Join(changed, " "))
		if !done {
			continue
		}
		if ex.Status == pvm.StatusHostCall {
			fmt.Fprintf(w, "          host call %d\n", ex.HostID)
			if ex, stop := m.HandleHostCall(ex); stop {
				return m.InvocationResult(ex, gas), nil
			}
			continue
		}
		return m.InvocationResult(ex, gas), nil
	}
	fmt.Fprintf(w, "          ... (trace limit reached)\n")
	return m.InvocationResult(m.Run(), gas), nil
}

func pvmcPrintRun(w io.Writer, r *pvmcRunReport, regs [pvm.NumRegs]uint64) {
	fmt.Fprintf(w, "blob:         %s (%s, profile %s, entry %d)\n", r.Blob, r.Format, r.Profile, r.Entry)
	fmt.Fprintf(w, "status:       %s (exit %s at pc %d)\n", r.Status, r.ExitStatus, r.ExitPC)
	if r.FaultAddress != nil {
		fmt.Fprintf(w, "fault:        page 0x%08x\n", *r.FaultAddress)
	}
	if r.Error != "" {
		fmt.Fprintf(w, "error:        %s\n", r.Error)
	}
	fmt.Fprintf(w, "gas used:     %d of %d\n", r.GasUsed, r.GasLimit)
	fmt.Fprintf(w, "instructions: %d\n", r.Instructions)
	for i, v := range regs {
		fmt.Fprintf(w, "  %-3s = 0x%016x", pvm.RegName(i), v)
		if i%3 == 2 || i == len(regs)-1 {
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(w, "output:       %d bytes %s\n", len(r.Output)/2, r.Output)
	if len(r.HostCalls) > 0 {
		fmt.Fprintf(w, "host calls:   %d\n", len(r.HostCalls))
		for _, c := range r.HostCalls {
			fmt.Fprintf(w, "  %-18s id %-3d gas %d -> %d, a0 = 0x%x\n", c.Name, c.ID, c.GasBefore, c.GasAfter, c.Result)
		}
	}
	for _, e := range r.Logs {
		fmt.Fprintf(w, "log[%d] %s: %s\n", e.Level, e.Target, e.Message)
	}
}

func pvmcDisasm(cmd *cobra.Command, args []string) error {
	l, err := pvmcLoad(args[0], pvmcDisasmOpts.format, 0)
	if err != nil {
		return err
	}
	p, err := pvmcProfile(pvmcDisasmOpts.profile, l)
	if err != nil {
		return err
	}
	opts := pvm.Options{AllowInvalidOpcodes: true}
	d, err := pvm.DecodeWith(p, l.sp.Code, opts)
	if err != nil {
		return usagef("%v", err)
	}
	w := cmd.OutOrStdout()
	sp := l.sp
	fmt.Fprintf(w, "; %s, profile %s\n", l.format, p)
	fmt.Fprintf(w, "; ro %d bytes, rw %d bytes, heap pages %d, stack %d bytes\n", len(sp.RO), len(sp.RW), sp.HeapPages, sp.StackSize)
	fmt.Fprintf(w, "; code %d bytes, %d instructions, %d jump table entries\n", len(sp.Code.Code), d.NumInstructions, len(sp.Code.JumpTable))
	if l.module != nil {
		for _, e := range l.module.Exports {
			fmt.Fprintf(w, "; export %s = pc %d\n", e.Name, e.PC)
		}
		for i, s := range l.module.Imports {
			fmt.Fprintf(w, "; import %d = %s\n", i, s)
		}
	}
	jt := map[uint32][]int{}
	for i, e := range sp.Code.JumpTable {
		jt[e] = append(jt[e], i)
		if !d.IsBlockStart(e) {
			fmt.Fprintf(w, "; jump table [%d] = %d is not a block start\n", i, e)
		}
	}
	code := sp.Code.Code
	for _, di := range d.Instructions() {
		if di.BlockCost != 0 {
			fmt.Fprintf(w, "\n@%d:", di.PC)
			if di.BlockStart {
				fmt.Fprintf(w, " ; block, gas %d", di.BlockCost)
			} else {
				fmt.Fprintf(w, " ; entered by fall-through, gas %d", di.BlockCost)
			}
			for _, s := range jt[di.PC] {
				fmt.Fprintf(w, ", code address 0x%x", 2*(s+1))
			}
			fmt.Fprintln(w)
		}
		end := min(int(di.PC+di.Len), len(code))
		raw := hex.EncodeToString(code[di.PC:end])
		text := "invalid"
		if di.Valid {
			text = di.Inst.String()
			if f := di.Inst.Op.Format(); (f == pvm.FmtOffset || f == pvm.FmtRegImmOffset || f == pvm.FmtRegRegOffset) && !di.TargetValid {
				text += " ; target is not a block start"
			}
		}
		fmt.Fprintf(w, "%8d: %-24s %s\n", di.PC, raw, text)
	}
	return nil
}
