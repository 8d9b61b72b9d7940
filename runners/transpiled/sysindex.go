package transpiled

import (
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
	"sync"

	"github.com/sbpf-pvm/sbpf-pvm/runners/svcrt"
)

// Syscall indices are fixed at translation: a syscall instruction passes svcrt's index of
// its key to tr_syscall, so the engine looks nothing up per invocation. The index is what
// svc_syscall_lookup returns for the key, read from that function's switch in the embedded
// svc_syscalls.c (the runtime the blob is linked with; its hash is in the cache key), so
// the two cannot drift apart.

// sysCaseRe matches one case of svc_syscall_lookup's switch: "case 0x1234abcdu: return 7;".
var sysCaseRe = regexp.MustCompile(`case 0x([0-9a-fA-F]{1,8})u?:\s*return (\d+);`)

// lookupFuncRe finds svc_syscall_lookup's body (up to its final "return -1;").
var lookupFuncRe = regexp.MustCompile(`(?s)int svc_syscall_lookup\(uint32_t key\) \{(.*?)return -1;\s*\}`)

var sysIndices = sync.OnceValues(func() (map[uint32]int32, error) { return parseSyscallIndices(svcrt.CSources) })

// parseSyscallIndices reads svc_syscall_lookup's key → index switch from c/svc_syscalls.c
// in fsys.
func parseSyscallIndices(fsys fs.FS) (map[uint32]int32, error) {
	src, err := fs.ReadFile(fsys, "c/svc_syscalls.c")
	if err != nil {
		return nil, fmt.Errorf("transpiled: syscall table: %w", err)
	}
	body := lookupFuncRe.FindSubmatch(src)
	if body == nil {
		return nil, fmt.Errorf("transpiled: syscall table: svc_syscall_lookup not found in svc_syscalls.c")
	}
	m := map[uint32]int32{}
	seen := map[int32]bool{}
	for _, c := range sysCaseRe.FindAllSubmatch(body[1], -1) {
		k, err1 := strconv.ParseUint(string(c[1]), 16, 32)
		i, err2 := strconv.ParseInt(string(c[2]), 10, 32)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("transpiled: syscall table: bad case %q", c[0])
		}
		if _, dup := m[uint32(k)]; dup || seen[int32(i)] {
			return nil, fmt.Errorf("transpiled: syscall table: key %#x or index %d twice", k, i)
		}
		m[uint32(k)], seen[int32(i)] = int32(i), true
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("transpiled: syscall table: svc_syscall_lookup has no cases")
	}
	return m, nil
}
