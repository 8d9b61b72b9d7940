package interpsvc_test

import (
	"bytes"
	"os/exec"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	interpsvc "github.com/sbpf-pvm/sbpf-pvm/runners/interp-svc"
	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
)

func TestInterpSvc(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "interp-svc")
}

// hostBinary is the service compiled for this machine (request on stdin, response on
// stdout): the same C code as the blob, fast enough for many cases.
var hostBinary string

var _ = BeforeSuite(func() {
	if _, err := exec.LookPath("clang-19"); err != nil {
		Fail("clang-19 is required: run `make deps`")
	}
	var err error
	hostBinary, err = interpsvc.HostBinary()
	Expect(err).NotTo(HaveOccurred())
})

// runHost sends raw bytes to the host build and decodes the answer.
func runHost(payload []byte) *svcrt.Response {
	cmd := exec.Command(hostBinary)
	cmd.Stdin = bytes.NewReader(payload)
	out, err := cmd.Output()
	Expect(err).NotTo(HaveOccurred())
	resp, err := svcrt.DecodeResponse(out)
	Expect(err).NotTo(HaveOccurred())
	return resp
}
