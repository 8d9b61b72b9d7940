package interpsvc_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/sbpf-pvm/sbpf-pvm/runners"
	interpsvc "github.com/sbpf-pvm/sbpf-pvm/runners/interp-svc"
	"github.com/sbpf-pvm/sbpf-pvm/runners/native"
	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf"
	"github.com/sbpf-pvm/sbpf-pvm/sbpf/asm"
)

// loopHost is one persistent host build of the service (hosttest -loop).
type loopHost struct {
	mu  sync.Mutex
	in  io.WriteCloser
	out *bufio.Reader
}

var (
	loopOnce sync.Once
	loop     *loopHost
	loopErr  error
)

func startLoop() (*loopHost, error) {
	loopOnce.Do(func() {
		bin, err := interpsvc.HostBinary()
		if err != nil {
			loopErr = err
			return
		}
		cmd := exec.Command(bin, "-loop")
		in, _ := cmd.StdinPipe()
		out, _ := cmd.StdoutPipe()
		if loopErr = cmd.Start(); loopErr == nil {
			loop = &loopHost{in: in, out: bufio.NewReader(out)}
		}
	})
	return loop, loopErr
}

func (h *loopHost) run(payload []byte) ([]byte, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var hdr [4]byte
	binary.LittleEndian.PutUint32(hdr[:], uint32(len(payload)))
	if _, err := h.in.Write(append(hdr[:], payload...)); err != nil {
		return nil, err
	}
	if _, err := io.ReadFull(h.out, hdr[:]); err != nil {
		return nil, err
	}
	resp := make([]byte, binary.LittleEndian.Uint32(hdr[:]))
	_, err := io.ReadFull(h.out, resp)
	return resp, err
}

// FuzzServiceVsNative mutates program ELFs and instruction data: the C loader, verifier
// and interpreter must never crash or hang, and must agree with the native runner.
func FuzzServiceVsNative(f *testing.F) {
	for _, p := range programs {
		if elf, err := asm.AssembleELF(p.src, p.v); err == nil {
			f.Add(elf, []byte{9, 8, 7, 6})
		}
	}
	f.Fuzz(func(t *testing.T, elf, data []byte) {
		h, err := startLoop()
		if err != nil {
			t.Fatalf("host build of the service (run `make deps`): %v", err)
		}
		c := &runners.Case{Name: "fuzz", ProgramID: programID, ComputeBudget: 20_000, InstructionData: data,
			Accounts: []runners.CaseAccount{{Key: key(1), Owner: programID, Lamports: 1000, Data: runners.Hex{1, 2, 3, 4}, Writable: true}}}
		c.SetProgramBytes(elf)
		if c.Validate() != nil {
			return
		}
		var want *runners.Result
		done := make(chan error, 1)
		go func() {
			var err error
			want, err = native.New().Run(context.Background(), c)
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				return
			}
		case <-time.After(3 * time.Second):
			t.Fatalf("native runner hangs")
		}
		prep, err := svcrt.FromCase(c)
		if err != nil {
			return
		}
		payload, err := prep.Request.Encode()
		if err != nil {
			return
		}
		type answer struct {
			raw []byte
			err error
		}
		ch := make(chan answer, 1)
		go func() {
			raw, err := h.run(payload)
			ch <- answer{raw, err}
		}()
		var a answer
		select {
		case a = <-ch:
		case <-time.After(3 * time.Second):
			f, _ := os.CreateTemp("", "interp-svc-hang-*.req")
			if f != nil {
				f.Write(payload)
				f.Close()
				t.Fatalf("host service hangs on the request saved in %s", f.Name())
			}
			t.Fatalf("host service hangs")
		}
		raw, err := a.raw, a.err
		if err != nil {
			t.Fatalf("host service died: %v", err)
		}
		resp, err := svcrt.DecodeResponse(raw)
		if err != nil {
			t.Fatalf("undecodable response: %v", err)
		}
		got, err := prep.Result(c, "host", resp)
		if err != nil {
			t.Fatalf("service fault: %v", err)
		}
		if a, b := fieldsOf(got), fieldsOf(want); !reflect.DeepEqual(a, b) {
			t.Fatalf("disagreement:\nservice %+v (%s)\nnative  %+v (%s)", a, got.ErrorDetail, b, want.ErrorDetail)
		}
	})
}

// fieldsOf is fields() without Gomega (usable from a fuzz target).
func fieldsOf(r *runners.Result) agreementFields {
	f := agreementFields{Status: r.Status, ExitCode: r.ExitCode, CU: r.ComputeUnits, Insns: r.InstructionCount, Logs: r.Logs, ReturnData: r.ReturnData, Diff: r.Diff}
	if r.Error != nil {
		f.Error = *r.Error
	}
	if f.Logs == nil {
		f.Logs = []string{}
	}
	if f.Diff == nil {
		f.Diff = runners.StateDiff{}
	}
	return f
}

var _ = sbpf.V0
