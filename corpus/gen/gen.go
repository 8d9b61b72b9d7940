// Package gen generates the corpus cases (corpus/cases/**/*.yaml); the command
// corpus/tools/gencases writes them and the corpus spec checks the committed files
// are exactly what it generates.
//
// Every expectation is derived here, independently of the runners: hashes with Go's
// crypto libraries, program-derived addresses with solana-go, kernel results by
// re-implementing each kernel in Go, error kinds from Agave's rules (the comment of
// each case says which rule), compute units only where they follow from a rule
// (a VM fault consumes the whole budget; hand-counted assembly).
package gen

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	solanago "github.com/gagliardetto/solana-go"
	"golang.org/x/crypto/sha3"
	"lukechampine.com/blake3"
)

// key is a deterministic, readable-in-source account key.
func key(name string) string {
	h := sha256.Sum256([]byte("sbpf-pvm corpus/" + name))
	return solanago.PublicKeyFromBytes(h[:]).String()
}

func pid(program string) string { return key("program/" + program) }

const (
	system           = "11111111111111111111111111111111"
	loaderUpgradable = "BPFLoaderUpgradeab1e11111111111111111111111"
	maxBudget        = 1_400_000
)

type acct struct {
	key, owner string
	lamports   uint64
	data       []byte
	exec       bool
	rentEpoch  uint64
	signer     bool
	writable   bool
}

type kase struct {
	name, program, comment string
	data                   []byte
	budget                 uint64
	accounts               []acct
	status, err            string
	cu, exit               *uint64
	ret                    []byte
	logs                   []string
	sysvars                string // YAML body of the sysvars block, already indented
	variant                string // "" for the v0 program, "v3" for <program>.v3.so
}

func u64p(v uint64) *uint64 { return &v }

func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var cases []kase

func add(k kase) {
	if k.status == "" {
		k.status = "success"
	}
	cases = append(cases, k)
}

func ok(name, program, comment string, data []byte, accs []acct, ret []byte) {
	add(kase{name: name, program: program, comment: comment, data: data, accounts: accs, ret: ret})
}

func fail(name, program, comment string, data []byte, accs []acct, kind string) {
	add(kase{name: name, program: program, comment: comment, data: data, accounts: accs, status: "failure", err: kind})
}

// vmFault: a fault of the VM itself consumes the whole budget
// (deplete_cu_meter_on_vm_failure), so its compute units follow from the budget.
func vmFault(name, program, comment string, data []byte, accs []acct, kind string, budget uint64) {
	add(kase{name: name, program: program, comment: comment, data: data, accounts: accs, status: "failure", err: kind,
		budget: budget, cu: u64p(budget)})
}

func custom(name, program, comment string, data []byte, accs []acct, code uint64) {
	add(kase{name: name, program: program, comment: comment, data: data, accounts: accs, status: "failure", err: "Custom", exit: u64p(code)})
}

// File is one generated case file; Path is relative to the cases directory.
type File struct {
	Path    string
	Content []byte
}

// Generate returns every case file, in a stable order.
func Generate() ([]File, error) {
	cases = nil
	noop()
	hello()
	counter()
	transfer()
	token()
	hashing()
	memops()
	compute()
	pda()
	realloc()
	deepcall()
	failing()
	adversarial()
	asmCases()
	sysvars()
	misc()
	v3Variants()
	seen := map[string]bool{}
	var out []File
	for _, k := range cases {
		if seen[k.name] {
			return nil, fmt.Errorf("gen: duplicate case %s", k.name)
		}
		seen[k.name] = true
		out = append(out, File{Path: filepath.FromSlash(k.name + ".yaml"), Content: []byte(render(k))})
	}
	return out, nil
}

// Write generates every case into dir and returns how many it wrote.
func Write(dir string) (int, error) {
	files, err := Generate()
	if err != nil {
		return 0, err
	}
	for _, f := range files {
		path := filepath.Join(dir, f.Path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return 0, err
		}
		if err := os.WriteFile(path, f.Content, 0o644); err != nil {
			return 0, err
		}
	}
	return len(files), nil
}

// ---- programs ----------------------------------------------------------------------

func owned(p, name string, lamports uint64, data []byte) acct {
	return acct{key: key(p + "/" + name), owner: pid(p), lamports: lamports, data: data, writable: true}
}

func noop() {
	p := "noop"
	ok("noop/no-accounts", p, "returns 0 without touching anything", nil, nil, nil)
	ok("noop/with-accounts", p, "accounts are serialized and read back unchanged: empty diff", []byte{1, 2, 3},
		[]acct{owned(p, "a", 100, []byte{1, 2}), {key: key("noop/b"), owner: system, lamports: 5, signer: true}}, nil)
	var many []acct
	for i := 0; i < 24; i++ {
		a := owned(p, fmt.Sprintf("many-%d", i), uint64(1000+i), seq(i*13))
		a.signer = i%3 == 0
		a.writable = i%2 == 0
		many = append(many, a)
		if i%5 == 4 {
			many = append(many, many[i/2]) // duplicates, pointing back at earlier accounts
		}
	}
	ok("noop/many-accounts", p, "24 accounts (data 0..299 bytes) and 4 duplicates: serialized, unchanged", nil, many, nil)
	ok("noop/large-account", p, "one account with 100 KiB of (zero) data", nil, []acct{owned(p, "large", 1, make([]byte, 100*1024))}, nil)
	ok("noop/large-instruction-data", p, "1232 bytes of instruction data (a full packet)", seq(1232), nil, nil)
	ok("noop/duplicate-accounts", p, "a repeated key is a duplicate account (back-reference in the input)", nil,
		[]acct{owned(p, "a", 100, []byte{1}), owned(p, "a", 100, []byte{1})}, nil)
}

func hello() {
	p := "hello"
	ok("hello/log", p, "sol_log_", []byte{0}, nil, nil)
	ok("hello/log-empty-data", p, "no instruction data selects op 0", nil, nil, nil)
	ok("hello/log-64", p, "sol_log_64_", []byte{1}, nil, nil)
	ok("hello/log-compute-units", p, "sol_log_compute_units_", []byte{2}, nil, nil)
	ok("hello/log-pubkey", p, "sol_log_pubkey of the program id", []byte{3}, nil, nil)
	ok("hello/log-data", p, "sol_log_data with two fields", []byte{4, 0xff}, nil, nil)
	ok("hello/log-all", p, "every log syscall", []byte{5}, nil, nil)
	fail("hello/bad-op", p, "op > 5: the program returns InvalidInstructionData", []byte{6}, nil, "InvalidInstructionData")
}

func counter() {
	p := "counter"
	ctr := func(v uint64) acct { return owned(p, "ctr", 1_000_000, le64(v)) }
	ok("counter/increment", p, "0 -> 1", []byte{0}, []acct{ctr(0)}, le64(1))
	ok("counter/increment-empty-data", p, "empty data increments", nil, []acct{ctr(41)}, le64(42))
	ok("counter/add", p, "add an amount", cat([]byte{1}, le64(1000)), []acct{ctr(234)}, le64(1234))
	signer := acct{key: key("counter/admin"), owner: system, lamports: 10, signer: true}
	ok("counter/reset", p, "reset with a signer", []byte{2}, []acct{ctr(99), signer}, le64(0))
	ns := signer
	ns.signer = false
	fail("counter/reset-unsigned", p, "account 1 must sign: MissingRequiredSignature", []byte{2}, []acct{ctr(99), ns}, "MissingRequiredSignature")
	fail("counter/reset-missing-account", p, "NotEnoughAccountKeys", []byte{2}, []acct{ctr(99)}, "NotEnoughAccountKeys")
	wrong := ctr(0)
	wrong.owner = system
	fail("counter/wrong-owner", p, "counter not owned by the program: IncorrectProgramId", []byte{0}, []acct{wrong}, "IncorrectProgramId")
	ro := ctr(0)
	ro.writable = false
	fail("counter/read-only", p, "counter not writable: the program refuses with InvalidArgument", []byte{0}, []acct{ro}, "InvalidArgument")
	small := owned(p, "ctr", 1_000_000, []byte{1, 2, 3})
	fail("counter/too-small", p, "fewer than 8 data bytes: AccountDataTooSmall", []byte{0}, []acct{small}, "AccountDataTooSmall")
	fail("counter/overflow", p, "u64 overflow: ArithmeticOverflow", cat([]byte{1}, le64(2)), []acct{ctr(^uint64(0) - 1)}, "ArithmeticOverflow")
	fail("counter/bad-op", p, "unknown op: InvalidInstructionData", []byte{9}, []acct{ctr(0)}, "InvalidInstructionData")
	fail("counter/no-accounts", p, "NotEnoughAccountKeys", []byte{0}, nil, "NotEnoughAccountKeys")
}

func transfer() {
	p := "transfer"
	from := owned(p, "from", 1000, nil)
	from.signer = true
	to := owned(p, "to", 50, nil)
	ext := acct{key: key("transfer/external"), owner: system, lamports: 7, writable: true}
	ok("transfer/ok", p, "1000/50 -> 900/150", le64(100), []acct{from, to}, nil)
	ok("transfer/to-external", p, "crediting an account the program does not own is allowed", le64(3), []acct{from, ext}, nil)
	ok("transfer/all", p, "move the whole balance", le64(1000), []acct{from, to}, nil)
	ok("transfer/zero", p, "zero amount: no change", le64(0), []acct{from, to}, nil)
	ok("transfer/self", p, "from and to are the same account (duplicate): balance unchanged", le64(10), []acct{from, from}, nil)
	fail("transfer/insufficient", p, "InsufficientFunds", le64(1001), []acct{from, to}, "InsufficientFunds")
	ns := from
	ns.signer = false
	fail("transfer/unsigned", p, "MissingRequiredSignature", le64(1), []acct{ns, to}, "MissingRequiredSignature")
	fail("transfer/not-owned", p, "source owned by the system program: IncorrectProgramId", le64(1), []acct{ext, to}, "IncorrectProgramId")
	rto := to
	rto.writable = false
	fail("transfer/read-only-destination", p, "InvalidArgument", le64(1), []acct{from, rto}, "InvalidArgument")
	fail("transfer/bad-data", p, "amount must be 8 bytes: InvalidInstructionData", []byte{1}, []acct{from, to}, "InvalidInstructionData")
}

// SPL Token layouts.
func mintData(authority string, supply uint64, fixed bool) []byte {
	d := make([]byte, 82)
	if !fixed {
		d[0] = 1
		copy(d[4:36], solanago.MustPublicKeyFromBase58(authority).Bytes())
	}
	binary.LittleEndian.PutUint64(d[36:], supply)
	d[44] = 6
	d[45] = 1
	return d
}

func tokenAccount(mint, owner string, amount uint64, state byte) []byte {
	d := make([]byte, 165)
	copy(d[0:32], solanago.MustPublicKeyFromBase58(mint).Bytes())
	copy(d[32:64], solanago.MustPublicKeyFromBase58(owner).Bytes())
	binary.LittleEndian.PutUint64(d[64:], amount)
	d[108] = state
	return d
}

func token() {
	p := "token"
	alice, bob, auth := key("token/alice"), key("token/bob"), key("token/mint-authority")
	mintKey, otherMint := key("token/mint"), key("token/other-mint")
	mint := func(supply uint64, fixed bool) acct {
		return acct{key: mintKey, owner: pid(p), lamports: 1_461_600, data: mintData(auth, supply, fixed), writable: true}
	}
	tacc := func(name, mintK, owner string, amount uint64, state byte) acct {
		return acct{key: key("token/account/" + name), owner: pid(p), lamports: 2_039_280, data: tokenAccount(mintK, owner, amount, state), writable: true}
	}
	signer := func(k string) acct { return acct{key: k, owner: system, lamports: 1_000_000_000, signer: true} }
	ix := func(tag byte, amount uint64) []byte { return cat([]byte{tag}, le64(amount)) }

	ok("token/mint-to", p, "MintTo 500: supply 1000 -> 1500, bob 0 -> 500", ix(7, 500),
		[]acct{mint(1000, false), tacc("bob", mintKey, bob, 0, 1), signer(auth)}, nil)
	custom("token/mint-to-wrong-authority", p, "authority is not the mint's: TokenError::OwnerMismatch (4)", ix(7, 1),
		[]acct{mint(1000, false), tacc("bob", mintKey, bob, 0, 1), signer(alice)}, 4)
	ua := signer(auth)
	ua.signer = false
	fail("token/mint-to-unsigned", p, "authority did not sign: MissingRequiredSignature", ix(7, 1),
		[]acct{mint(1000, false), tacc("bob", mintKey, bob, 0, 1), ua}, "MissingRequiredSignature")
	custom("token/mint-to-fixed-supply", p, "mint has no authority: TokenError::FixedSupply (5)", ix(7, 1),
		[]acct{mint(1000, true), tacc("bob", mintKey, bob, 0, 1), signer(auth)}, 5)
	custom("token/mint-to-overflow", p, "supply would overflow: TokenError::Overflow (14)", ix(7, 2),
		[]acct{mint(^uint64(0), false), tacc("bob", mintKey, bob, 0, 1), signer(auth)}, 14)
	ok("token/transfer", p, "Transfer 40: alice 100 -> 60, bob 5 -> 45", ix(3, 40),
		[]acct{tacc("alice", mintKey, alice, 100, 1), tacc("bob", mintKey, bob, 5, 1), signer(alice)}, nil)
	ok("token/transfer-self", p, "source == destination (duplicate): no change", ix(3, 40),
		[]acct{tacc("alice", mintKey, alice, 100, 1), tacc("alice", mintKey, alice, 100, 1), signer(alice)}, nil)
	custom("token/transfer-insufficient", p, "TokenError::InsufficientFunds (1)", ix(3, 101),
		[]acct{tacc("alice", mintKey, alice, 100, 1), tacc("bob", mintKey, bob, 5, 1), signer(alice)}, 1)
	custom("token/transfer-mint-mismatch", p, "TokenError::MintMismatch (3)", ix(3, 1),
		[]acct{tacc("alice", mintKey, alice, 100, 1), tacc("bob-other", otherMint, bob, 5, 1), signer(alice)}, 3)
	custom("token/transfer-wrong-owner", p, "bob signs for alice's account: TokenError::OwnerMismatch (4)", ix(3, 1),
		[]acct{tacc("alice", mintKey, alice, 100, 1), tacc("bob", mintKey, bob, 5, 1), signer(bob)}, 4)
	custom("token/transfer-frozen", p, "source frozen: TokenError::AccountFrozen (17)", ix(3, 1),
		[]acct{tacc("alice", mintKey, alice, 100, 2), tacc("bob", mintKey, bob, 5, 1), signer(alice)}, 17)
	custom("token/transfer-uninitialized", p, "destination uninitialized: TokenError::UninitializedState (9)", ix(3, 1),
		[]acct{tacc("alice", mintKey, alice, 100, 1), tacc("bob", mintKey, bob, 5, 0), signer(alice)}, 9)
	ok("token/burn", p, "Burn 30: alice 100 -> 70, supply 1000 -> 970", ix(8, 30),
		[]acct{tacc("alice", mintKey, alice, 100, 1), mint(1000, false), signer(alice)}, nil)
	custom("token/burn-insufficient", p, "TokenError::InsufficientFunds (1)", ix(8, 101),
		[]acct{tacc("alice", mintKey, alice, 100, 1), mint(1000, false), signer(alice)}, 1)
	custom("token/invalid-instruction", p, "unknown tag: TokenError::InvalidInstruction (12)", ix(99, 0),
		[]acct{tacc("alice", mintKey, alice, 100, 1)}, 12)
	custom("token/short-instruction", p, "data must be 9 bytes: TokenError::InvalidInstruction (12)", []byte{3},
		[]acct{tacc("alice", mintKey, alice, 100, 1)}, 12)
}

func hashing() {
	p := "hashing"
	msgs := map[string][]byte{"hello": []byte("hello"), "empty": {}, "long": []byte(strings.Repeat("sbpf-pvm ", 100))}
	names := []string{"empty", "hello", "long"}
	for _, n := range names {
		m := msgs[n]
		s := sha256.Sum256(m)
		ok("hashing/sha256-"+n, p, "sol_sha256 of "+strconv.Quote(abbrev(m)), cat([]byte{0}, m), nil, s[:])
		kk := sha3.NewLegacyKeccak256()
		kk.Write(m)
		ok("hashing/keccak256-"+n, p, "sol_keccak256 of "+strconv.Quote(abbrev(m)), cat([]byte{1}, m), nil, kk.Sum(nil))
		b := blake3.Sum256(m)
		ok("hashing/blake3-"+n, p, "sol_blake3 of "+strconv.Quote(abbrev(m)), cat([]byte{2}, m), nil, b[:])
	}
	big := seq(1200)
	bs := sha256.Sum256(big)
	ok("hashing/sha256-1200-bytes", p, "sol_sha256 of 1200 bytes 01 02 03 ...", cat([]byte{0}, big), nil, bs[:])
	s := sha256.Sum256([]byte("hello, world"))
	ok("hashing/sha256-two-slices", p, "two slices hash like their concatenation", cat([]byte{3}, []byte("hello, world")), nil, s[:])
	fail("hashing/bad-op", p, "InvalidInstructionData", []byte{7, 1}, nil, "InvalidInstructionData")
	fail("hashing/no-data", p, "InvalidInstructionData", nil, nil, "InvalidInstructionData")
}

func abbrev(b []byte) string {
	if len(b) > 24 {
		return string(b[:24]) + "..."
	}
	return string(b)
}

// memopsResult re-implements the memops kernel.
func memopsResult(n int) uint64 {
	a := make([]byte, n)
	for i := range a {
		a[i] = 0x5a ^ byte(i*7)
	}
	b := append([]byte(nil), a...)
	copy(a[1:], append([]byte(nil), a[:n-1]...))
	copy(b, append([]byte(nil), b[3:]...))
	c := 0
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			if a[i] > b[i] {
				c = 1
			} else {
				c = -1
			}
			break
		}
	}
	fnv := func(p []byte) uint64 {
		h := uint64(0xcbf29ce484222325)
		for _, x := range p {
			h ^= uint64(x)
			h *= 0x100000001b3
		}
		return h
	}
	return (fnv(a) ^ (fnv(b) * 31)) + uint64(c+1)
}

func memops() {
	p := "memops"
	for _, n := range []int{4, 100, 8192} {
		for mode, how := range []string{"syscalls", "loops"} {
			k := kase{name: fmt.Sprintf("memops/%s-%d", how, n), program: p,
				comment: fmt.Sprintf("memset/memcpy/memmove/memcmp over %d bytes with %s", n, how),
				data:    []byte{byte(mode), byte(n), byte(n >> 8)}, ret: le64(memopsResult(n)), budget: maxBudget}
			add(k)
		}
	}
	fail("memops/too-short", p, "n < 4: InvalidInstructionData", []byte{0, 3, 0}, nil, "InvalidInstructionData")
	fail("memops/bad-mode", p, "InvalidInstructionData", []byte{2, 16, 0}, nil, "InvalidInstructionData")
}

func lcg(s *uint64) uint64 {
	*s = *s*6364136223846793005 + 1442695040888963407
	return *s
}

func fib(n uint64) uint64 {
	a, b := uint64(0), uint64(1)
	for i := uint64(0); i < n; i++ {
		a, b = b, a+b
	}
	return a
}

func compute() {
	p := "compute"
	for _, seed := range []uint64{1, 0xdeadbeef} {
		s := seed
		a := make([]uint64, 1000)
		for i := range a {
			a[i] = lcg(&s)
		}
		sort.Slice(a, func(i, j int) bool { return a[i] < a[j] })
		var sum uint64
		for i, v := range a {
			sum += uint64(i) * v
		}
		add(kase{name: fmt.Sprintf("compute/sort-%x", seed), program: p, comment: "heap sort of 1000 LCG u64; sum(i*a[i])",
			data: cat([]byte{0}, le64(seed)), ret: le64(sum), budget: maxBudget})
	}
	for _, n := range []uint64{1, 2, 1000, 30000} {
		count := 0
		sieve := make([]bool, n+1)
		for i := uint64(2); i <= n; i++ {
			if !sieve[i] {
				count++
				for j := i * i; j <= n; j += i {
					sieve[j] = true
				}
			}
		}
		d := cat([]byte{1}, binary.LittleEndian.AppendUint32(nil, uint32(n)))
		add(kase{name: fmt.Sprintf("compute/sieve-%d", n), program: p, comment: fmt.Sprintf("%d primes <= %d", count, n),
			data: d, ret: le64(uint64(count)), budget: maxBudget})
	}
	fail("compute/sieve-too-large", p, "n >= 32768 does not fit the heap: InvalidInstructionData",
		cat([]byte{1}, binary.LittleEndian.AppendUint32(nil, 32768)), nil, "InvalidInstructionData")
	for _, n := range []uint64{0, 1, 10, 20} {
		add(kase{name: fmt.Sprintf("compute/fib-%d", n), program: p, comment: fmt.Sprintf("recursive fib(%d) = %d", n, fib(n)),
			data: []byte{2, byte(n)}, ret: le64(fib(n)), budget: maxBudget})
	}
	vmFault("compute/fib-27-budget", p, "fib(27) makes ~635k calls: the 1.4M budget runs out (ExceededMaxInstructions)",
		[]byte{2, 27}, nil, "ExceededMaxInstructions", maxBudget)
	fail("compute/fib-too-large", p, "n > 30: InvalidInstructionData", []byte{2, 31}, nil, "InvalidInstructionData")
	mod := new(big.Int).Lsh(big.NewInt(1), 256)
	for _, rounds := range []int{0, 1, 10, 100} {
		s := uint64(42)
		x := new(big.Int)
		limbs := make([]uint64, 4)
		for i := range limbs {
			limbs[i] = lcg(&s)
		}
		for i := 3; i >= 0; i-- {
			x.Lsh(x, 64)
			x.Or(x, new(big.Int).SetUint64(limbs[i]))
		}
		for r := 0; r < rounds; r++ {
			x.Mul(x, x)
			x.Add(x, big.NewInt(1))
			x.Mod(x, mod)
		}
		be := x.FillBytes(make([]byte, 32))
		ret := make([]byte, 32)
		for i := range be {
			ret[i] = be[31-i]
		}
		add(kase{name: fmt.Sprintf("compute/mul256-%d", rounds), program: p, comment: fmt.Sprintf("x = x*x + 1 mod 2^256, %d rounds", rounds),
			data: []byte{3, byte(rounds)}, ret: ret, budget: maxBudget})
	}
}

func pda() {
	p := "pda"
	prog := solanago.MustPublicKeyFromBase58(pid(p))
	enc := func(op byte, seeds ...[]byte) []byte {
		d := []byte{op, byte(len(seeds))}
		for _, s := range seeds {
			d = append(d, byte(len(s)))
			d = append(d, s...)
		}
		return d
	}
	seedSets := map[string][][]byte{
		"none":    {},
		"counter": {[]byte("counter")},
		"vault":   {[]byte("vault"), solanago.MustPublicKeyFromBase58(key("pda/user")).Bytes()},
		"max-len": {[]byte(strings.Repeat("s", 32))},
	}
	for _, name := range []string{"none", "counter", "vault", "max-len"} {
		seeds := seedSets[name]
		addr, bump, err := solanago.FindProgramAddress(seeds, prog)
		if err != nil {
			panic(err)
		}
		ret := append(addr.Bytes(), bump)
		ok("pda/find-"+name, p, fmt.Sprintf("try_find_program_address: bump %d", bump), enc(1, seeds...), nil, ret)
		ok("pda/find-verify-"+name, p, "find, then create_program_address with the bump must agree", enc(2, seeds...), nil, ret)
		withBump := append(append([][]byte{}, seeds...), []byte{bump})
		ok("pda/create-"+name, p, "create_program_address(seeds + [bump]) is the found address", enc(0, withBump...), nil, addr.Bytes())
	}
	// A seed set whose plain hash lands on the curve: create_program_address fails and
	// the program returns InvalidSeeds. Search deterministically with solana-go.
	for i := 0; ; i++ {
		s := [][]byte{[]byte(fmt.Sprintf("curve-%d", i))}
		if _, err := solanago.CreateProgramAddress(s, prog); err != nil {
			fail("pda/create-on-curve", p, fmt.Sprintf("seed %q hashes onto the ed25519 curve: InvalidSeeds", s[0]), enc(0, s...), nil, "InvalidSeeds")
			break
		}
	}
	fail("pda/seed-too-long", p, "a 33-byte seed: the syscall fails with SyscallError::BadSeeds", enc(0, []byte(strings.Repeat("x", 33))), nil, "BadSeeds")
	many := make([][]byte, 17)
	for i := range many {
		many[i] = []byte{byte(i)}
	}
	fail("pda/too-many-seeds", p, "17 seeds: the program refuses with MaxSeedLengthExceeded", enc(0, many...), nil, "MaxSeedLengthExceeded")
}

func realloc() {
	p := "realloc"
	acc := func(n int) acct { return owned(p, "acc", 5_000_000, seq(n)) }
	ix := func(op byte, n uint64) []byte { return cat([]byte{op}, le64(n)) }
	ok("realloc/grow", p, "4 -> 100 bytes, new bytes 0x11", ix(0, 100), []acct{acc(4)}, nil)
	ok("realloc/shrink", p, "100 -> 10 bytes", ix(0, 10), []acct{acc(100)}, nil)
	ok("realloc/shrink-to-zero", p, "16 -> 0 bytes", ix(1, 0), []acct{acc(16)}, nil)
	ok("realloc/grow-max", p, "grow by exactly MAX_PERMITTED_DATA_INCREASE (10240)", ix(0, 16+10240), []acct{acc(16)}, nil)
	big := owned(p, "acc", 5_000_000, make([]byte, 64*1024))
	ok("realloc/grow-large-account", p, "64 KiB -> 64 KiB + 10240 bytes", ix(0, 64*1024+10240), []acct{big}, nil)
	fail("realloc/grow-too-much-checked", p, "the program refuses growth over 10 KiB: InvalidArgument", ix(0, 16+10241), []acct{acc(16)}, "InvalidArgument")
	fail("realloc/grow-too-much-unchecked", p, "the runtime refuses growth over 10 KiB: InvalidRealloc", ix(1, 16+10241), []acct{acc(16)}, "InvalidRealloc")
	na := acc(4)
	na.owner = system
	fail("realloc/not-owned", p, "IncorrectProgramId", ix(0, 8), []acct{na}, "IncorrectProgramId")
	ro := acc(4)
	ro.writable = false
	fail("realloc/read-only", p, "InvalidArgument", ix(0, 8), []acct{ro}, "InvalidArgument")
}

func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i + 1)
	}
	return b
}

func deepcall() {
	p := "deepcall"
	for _, n := range []uint64{0, 10, 62} {
		ok(fmt.Sprintf("deepcall/depth-%d", n), p, fmt.Sprintf("%d nested frames (64 allowed)", n+1), []byte{byte(n)}, nil, le64(n+1))
	}
	vmFault("deepcall/depth-63", p, "64 nested calls: the 64th frame is over max_call_depth (CallDepthExceeded)", []byte{63}, nil, "CallDepthExceeded", 200_000)
	vmFault("deepcall/depth-200", p, "far past the limit", []byte{200}, nil, "CallDepthExceeded", 200_000)
}

func failing() {
	p := "fail"
	vmFault("fail/store-readonly", p, "store into the program region (read-only): AccessViolation", []byte{0}, nil, "AccessViolation", 200_000)
	vmFault("fail/load-unmapped", p, "load from 0x500000000 (no region): AccessViolation", []byte{1}, nil, "AccessViolation", 200_000)
	vmFault("fail/divide-by-zero", p, "unsigned division by a register holding 0: DivideByZero", []byte{2}, nil, "DivideByZero", 200_000)
	vmFault("fail/endless-loop", p, "the budget of 5000 runs out: ExceededMaxInstructions", []byte{3}, nil, "ExceededMaxInstructions", 5000)
	fail("fail/abort", p, "abort(): SyscallError::Abort", []byte{4}, nil, "Abort")
	fail("fail/panic", p, "sol_panic_: SyscallError::Panic", []byte{5}, nil, "Panic")
	custom("fail/custom-42", p, "returns 42: Custom(42)", []byte{6}, nil, 42)
	custom("fail/custom-after-log", p, "logs, then returns 0x1234: Custom(4660)", []byte{7}, nil, 0x1234)
	fail("fail/invalid-argument", p, "returns 2 << 32: InvalidArgument", []byte{8}, nil, "InvalidArgument")
	k := kase{name: "fail/custom-zero", program: p, comment: "returns 1 << 32 (CUSTOM_ZERO): Custom(0)", data: []byte{9}, status: "failure", err: "Custom"}
	add(k)
	fail("fail/no-data", p, "InvalidInstructionData", nil, nil, "InvalidInstructionData")
}

func adversarial() {
	p := "adversarial"
	other := key("adversarial/other-program")
	own := func(name string, data []byte) acct { return owned(p, name, 1000, data) }
	ext := func(name string, data []byte) acct {
		return acct{key: key("adversarial/" + name), owner: other, lamports: 1000, data: data, writable: true}
	}
	ro := func(a acct) acct { a.writable = false; return a }
	fail("adversarial/write-readonly", p, "flip a byte of a read-only owned account: ReadonlyDataModified",
		[]byte{0}, []acct{ro(own("a", []byte{1, 2, 3}))}, "ReadonlyDataModified")
	fail("adversarial/write-readonly-external", p, "read-only and not owned: the writability check comes first (ReadonlyDataModified)",
		[]byte{0}, []acct{ro(ext("a", []byte{1, 2, 3}))}, "ReadonlyDataModified")
	fail("adversarial/debit-external", p, "debit an account owned by another program: ExternalAccountLamportSpend",
		[]byte{1}, []acct{ext("a", nil), own("b", nil)}, "ExternalAccountLamportSpend")
	fail("adversarial/debit-external-readonly", p, "the ownership check precedes writability: ExternalAccountLamportSpend",
		[]byte{1}, []acct{ro(ext("a", nil)), own("b", nil)}, "ExternalAccountLamportSpend")
	fail("adversarial/create-lamports", p, "add 1000 lamports out of nowhere: UnbalancedInstruction",
		[]byte{2}, []acct{own("a", nil)}, "UnbalancedInstruction")
	fail("adversarial/steal-ownership", p, "assign another program's account to itself: ModifiedProgramId",
		[]byte{3}, []acct{ext("a", make([]byte, 4))}, "ModifiedProgramId")
	exe := acct{key: key("adversarial/executable"), owner: loaderUpgradable, lamports: 1000, data: []byte{1, 2, 3}, exec: true, writable: true}
	fail("adversarial/modify-executable", p, "modify an executable account (owned by the loader): ExternalAccountDataModified",
		[]byte{4}, []acct{exe}, "ExternalAccountDataModified")
	fail("adversarial/grow-past-limit", p, "data_len += 10241 without writing: InvalidRealloc",
		[]byte{5}, []acct{own("a", make([]byte, 16))}, "InvalidRealloc")
	fail("adversarial/credit-readonly", p, "credit a read-only owned account: ReadonlyLamportChange",
		[]byte{6}, []acct{ro(own("a", nil)), own("b", nil)}, "ReadonlyLamportChange")
	fail("adversarial/write-external", p, "write another program's writable account: ExternalAccountDataModified",
		[]byte{7}, []acct{ext("a", []byte{1})}, "ExternalAccountDataModified")
	fail("adversarial/resize-external", p, "shrink another program's account: AccountDataSizeChanged",
		[]byte{8}, []acct{ext("a", []byte{1, 2})}, "AccountDataSizeChanged")
	fail("adversarial/reassign-nonzero", p, "reassign an owned account whose data is not zeroed: ModifiedProgramId",
		[]byte{9}, []acct{own("a", []byte{1, 2}), own("b", nil)}, "ModifiedProgramId")
	ok("adversarial/reassign-zeroed", p, "reassign an owned, writable, zeroed account: allowed (owner diff)",
		[]byte{10}, []acct{own("a", make([]byte, 3)), own("b", nil)}, nil)
	ok("adversarial/rent-epoch-ignored", p, "the rent epoch written into the input is ignored: empty diff",
		[]byte{11}, []acct{own("a", []byte{1})}, nil)
	ok("adversarial/legal-debit", p, "debit an owned, writable account into another: allowed",
		[]byte{12}, []acct{own("a", nil), ext("b", nil)}, nil)
}

func asmCases() {
	logs := func(p string, cu uint64, tail ...string) []string {
		id := pid(p)
		out := []string{"Program " + id + " invoke [1]", fmt.Sprintf("Program %s consumed %d of 200000 compute units", id, cu)}
		for _, t := range tail {
			out = append(out, strings.ReplaceAll(t, "ID", id))
		}
		return out
	}
	add(kase{name: "asm/noop", program: "noop_asm", comment: "2 instructions", cu: u64p(2),
		logs: logs("noop_asm", 2, "Program ID success")})
	for _, n := range []uint64{0, 1, 100, 1000} {
		sum := n * (n + 1) / 2
		k := kase{name: fmt.Sprintf("asm/sum-%d", n), program: "sum_asm", data: le64(n)}
		cu := 3*n + 4
		if n == 0 {
			cu = 4
		}
		k.cu = u64p(cu)
		if sum == 0 {
			k.comment = "r0 = 0: success"
			k.logs = logs("sum_asm", cu, "Program ID success")
		} else {
			k.comment = fmt.Sprintf("r0 = %d: a program error, Custom(%d)", sum, sum)
			k.status, k.err, k.exit = "failure", "Custom", u64p(sum)
			k.logs = logs("sum_asm", cu, fmt.Sprintf("Program ID failed: custom program error: 0x%x", sum))
		}
		add(k)
	}
	for _, n := range []uint64{0, 30, 62} {
		cu := 4*n + 6
		add(kase{name: fmt.Sprintf("asm/deep-%d", n), program: "deep_asm", data: le64(n), cu: u64p(cu),
			comment: fmt.Sprintf("%d nested frames", n+1), logs: logs("deep_asm", cu, "Program ID success")})
	}
	vmFault("asm/deep-63", "deep_asm", "64 nested calls: CallDepthExceeded", le64(63), nil, "CallDepthExceeded", 200_000)
	vmFault("asm/divide-by-zero", "divzero_asm", "div64 by a zero register: DivideByZero", nil, nil, "DivideByZero", 200_000)
}

func sysvars() {
	p := "sysvars"
	clock := func(slot uint64, est int64, epoch, lse uint64, unix int64) []byte {
		return cat(le64(slot), le64(uint64(est)), le64(epoch), le64(lse), le64(uint64(unix)))
	}
	rent := func(lpby uint64, threshold float64, burn byte) []byte {
		return cat(le64(lpby), le64(math.Float64bits(threshold)), []byte{burn})
	}
	schedule := func(spe, offset uint64, warmup bool, fne, fns uint64) []byte {
		w := byte(0)
		if warmup {
			w = 1
		}
		return cat(le64(spe), le64(offset), []byte{w}, le64(fne), le64(fns))
	}
	ok("sysvars/clock-default", p, "cases without sysvars see a zero Clock", []byte{0}, nil, clock(0, 0, 0, 0, 0))
	add(kase{name: "sysvars/clock-set", program: p, comment: "the case's Clock", data: []byte{0},
		sysvars: "  clock:\n    slot: 250000000\n    epoch_start_timestamp: 1700000000\n    epoch: 578\n    leader_schedule_epoch: 579\n    unix_timestamp: 1700012345\n",
		ret:     clock(250_000_000, 1_700_000_000, 578, 579, 1_700_012_345)})
	ok("sysvars/rent-default", p, "Rent::default(): 3480 lamports/byte-year, threshold 2.0, burn 50%", []byte{1}, nil, rent(3480, 2.0, 50))
	add(kase{name: "sysvars/rent-set", program: p, comment: "the case's Rent", data: []byte{1},
		sysvars: "  rent:\n    lamports_per_byte_year: 1000\n    exemption_threshold: 1.5\n    burn_percent: 0\n",
		ret:     rent(1000, 1.5, 0)})
	ok("sysvars/epoch-schedule-default", p, "EpochSchedule::default(): 432000 slots, warmup, first normal epoch 14 / slot 524256",
		[]byte{2}, nil, schedule(432_000, 432_000, true, 14, 524_256))
	add(kase{name: "sysvars/epoch-schedule-set", program: p, comment: "the case's EpochSchedule", data: []byte{2},
		sysvars: "  epoch_schedule:\n    slots_per_epoch: 8192\n    leader_schedule_slot_offset: 8192\n    warmup: false\n    first_normal_epoch: 0\n    first_normal_slot: 0\n",
		ret:     schedule(8192, 8192, false, 0, 0)})
	ok("sysvars/stack-height", p, "a top-level instruction runs at stack height 1", []byte{3}, nil, le64(1))
	ok("sysvars/last-restart-slot-default", p, "default LastRestartSlot is 0", []byte{4}, nil, le64(0))
	add(kase{name: "sysvars/last-restart-slot-set", program: p, comment: "the case's LastRestartSlot", data: []byte{4},
		sysvars: "  last_restart_slot: 12345\n", ret: le64(12345)})
	ok("sysvars/remaining-compute-units", p, "sol_remaining_compute_units is within (0, budget]", []byte{5}, nil, le64(1))
	fail("sysvars/bad-op", p, "InvalidInstructionData", []byte{6}, nil, "InvalidInstructionData")
}

func misc() {
	p := "misc"
	id := solanago.MustPublicKeyFromBase58(pid(p)).Bytes()
	ok("misc/return-data-round-trip", p, "get returns the length, the setter's program id and the bytes",
		[]byte{0}, nil, cat(le64(3), id, []byte("abc")))
	ok("misc/return-data-partial-read", p, "a short buffer gets a prefix; the full length is returned",
		[]byte{5}, nil, cat(le64(3), []byte("ab")))
	ok("misc/return-data-none", p, "no return data yet: length 0", []byte{1}, nil, le64(0))
	fail("misc/return-data-too-large", p, "1025 bytes > MAX_RETURN_DATA: SyscallError::ReturnDataTooLarge", []byte{2}, nil, "ReturnDataTooLarge")
	ok("misc/return-data-empty", p, "setting empty return data leaves none", []byte{3}, nil, []byte{})
	// BpfAllocator: bump allocation from the heap start, 8-byte aligned (BPF_ALIGN_OF_U128
	// with aligned checks), 0 when the 32 KiB heap is exhausted; free is not implemented
	// and returns 0.
	const heap = 0x300000000
	ok("misc/alloc", p, "allocations at heap+0 and heap+16; 40000 bytes do not fit (0); free returns 0",
		[]byte{4}, nil, cat(le64(heap), le64(heap+16), le64(0), le64(0)))
	fail("misc/bad-op", p, "InvalidInstructionData", []byte{9}, nil, "InvalidInstructionData")
}

// v3Variants repeats the cases of some programs on their SBPF v3 build: the program,
// its id and so every expectation are the same; only the ELF format, the syscall
// encoding and the memory layout (no stack gaps, rodata at 0) differ.
func v3Variants() {
	programs := map[string]bool{"counter": true, "transfer": true, "token": true, "hashing": true,
		"compute": true, "pda": true, "deepcall": true, "adversarial": true, "sysvars": true, "misc": true}
	n := len(cases)
	for i := 0; i < n; i++ {
		k := cases[i]
		if !programs[k.program] {
			continue
		}
		k.name = "v3/" + k.name
		k.variant = "v3"
		if k.comment != "" {
			k.comment = "SBPF v3 build. " + k.comment
		}
		cases = append(cases, k)
	}
}

// ---- output ------------------------------------------------------------------------

func hexs(b []byte) string { return fmt.Sprintf("\"0x%x\"", b) }

func render(k kase) string {
	var b strings.Builder
	b.WriteString("# Generated by corpus/tools/gencases; expectations derived independently of the runners.\n")
	if k.comment != "" {
		fmt.Fprintf(&b, "# %s\n", k.comment)
	}
	depth := strings.Count(k.name, "/") + 1
	file := k.program + ".so"
	if k.variant != "" {
		file = k.program + "." + k.variant + ".so"
	}
	rel := strings.Repeat("../", depth) + "programs/" + k.program + "/" + file
	fmt.Fprintf(&b, "name: %s\nprogram: %s\nprogram_id: %s\n", k.name, rel, pid(k.program))
	fmt.Fprintf(&b, "instruction_data: %s\n", hexs(k.data))
	if k.budget != 0 {
		fmt.Fprintf(&b, "compute_budget: %d\n", k.budget)
	}
	if k.sysvars != "" {
		b.WriteString("sysvars:\n" + k.sysvars)
	}
	if len(k.accounts) == 0 {
		b.WriteString("accounts: []\n")
	} else {
		b.WriteString("accounts:\n")
	}
	for _, a := range k.accounts {
		fmt.Fprintf(&b, "  - key: %s\n    owner: %s\n    lamports: %d\n", a.key, a.owner, a.lamports)
		if len(a.data) > 64 && allZero(a.data) {
			fmt.Fprintf(&b, "    data_len: %d\n", len(a.data))
		} else {
			fmt.Fprintf(&b, "    data: %s\n", hexs(a.data))
		}
		fmt.Fprintf(&b, "    executable: %v\n    rent_epoch: %d\n    signer: %v\n    writable: %v\n", a.exec, a.rentEpoch, a.signer, a.writable)
	}
	fmt.Fprintf(&b, "expect:\n  status: %s\n", k.status)
	if k.err != "" {
		fmt.Fprintf(&b, "  error: %s\n", k.err)
	}
	if k.exit != nil {
		fmt.Fprintf(&b, "  exit_code: %d\n", *k.exit)
	}
	if k.cu != nil {
		fmt.Fprintf(&b, "  compute_units: %d\n", *k.cu)
	}
	if k.ret != nil {
		fmt.Fprintf(&b, "  return_data: %s\n", hexs(k.ret))
	}
	if k.logs != nil {
		b.WriteString("  logs:\n")
		for _, l := range k.logs {
			fmt.Fprintf(&b, "    - %s\n", strconv.Quote(l))
		}
	}
	return b.String()
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
