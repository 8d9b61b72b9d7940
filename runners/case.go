package runners

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/gagliardetto/solana-go"
	"gopkg.in/yaml.v3"
)

// DefaultComputeBudget is the per-instruction budget Agave gives when the transaction
// does not ask for another one.
const DefaultComputeBudget = 200_000

// MaxCaseFileBytes bounds how much of a case file is read: a case is a few KiB; anything
// much larger is not a case.
const MaxCaseFileBytes = 16 << 20

// MaxProgramBytes bounds a program ELF (Agave's largest deployable program is 10 MiB).
const MaxProgramBytes = 16 << 20

// Case is one corpus entry, the input every runner gets. See DESIGN.md for the file
// format; LoadCase validates it and resolves the program path.
type Case struct {
	Name string `yaml:"name"`
	// Program is the ELF path as written in the file (relative to the file).
	Program string `yaml:"program"`
	// ProgramPath is Program resolved against the case file's directory.
	ProgramPath     string        `yaml:"-"`
	ProgramID       string        `yaml:"program_id"`
	InstructionData Hex           `yaml:"instruction_data"`
	ComputeBudget   uint64        `yaml:"compute_budget"`
	Accounts        []CaseAccount `yaml:"accounts"`
	Sysvars         *CaseSysvars  `yaml:"sysvars"`
	Expect          *Expect       `yaml:"expect"`
	// File is the path the case was loaded from ("" for cases built in memory).
	File string `yaml:"-"`

	mu           sync.Mutex // guards programBytes: runners share a Case
	programBytes []byte
}

// CaseAccount is one instruction account. A key repeated in Accounts is a duplicate
// account (the serializer emits a back-reference for it).
type CaseAccount struct {
	Key        string  `yaml:"key"`
	Owner      string  `yaml:"owner"`
	Lamports   uint64  `yaml:"lamports"`
	Data       Hex     `yaml:"data"`
	DataLen    *uint64 `yaml:"data_len"`
	Executable bool    `yaml:"executable"`
	RentEpoch  uint64  `yaml:"rent_epoch"`
	Signer     bool    `yaml:"signer"`
	Writable   bool    `yaml:"writable"`
}

// CaseSysvars overrides the sysvars a program sees through the sysvar syscalls. Each
// sysvar left out keeps the runtime default (a zero Clock, Rent::default(),
// EpochSchedule::default()), so that runs are deterministic.
type CaseSysvars struct {
	Clock           *CaseClock         `yaml:"clock"`
	Rent            *CaseRent          `yaml:"rent"`
	EpochSchedule   *CaseEpochSchedule `yaml:"epoch_schedule"`
	LastRestartSlot *uint64            `yaml:"last_restart_slot"`
}

// CaseClock is the Clock sysvar.
type CaseClock struct {
	Slot                uint64 `yaml:"slot"`
	EpochStartTimestamp int64  `yaml:"epoch_start_timestamp"`
	Epoch               uint64 `yaml:"epoch"`
	LeaderScheduleEpoch uint64 `yaml:"leader_schedule_epoch"`
	UnixTimestamp       int64  `yaml:"unix_timestamp"`
}

// CaseRent is the Rent sysvar.
type CaseRent struct {
	LamportsPerByteYear uint64  `yaml:"lamports_per_byte_year"`
	ExemptionThreshold  float64 `yaml:"exemption_threshold"`
	BurnPercent         uint8   `yaml:"burn_percent"`
}

// CaseEpochSchedule is the EpochSchedule sysvar.
type CaseEpochSchedule struct {
	SlotsPerEpoch            uint64 `yaml:"slots_per_epoch"`
	LeaderScheduleSlotOffset uint64 `yaml:"leader_schedule_slot_offset"`
	Warmup                   bool   `yaml:"warmup"`
	FirstNormalEpoch         uint64 `yaml:"first_normal_epoch"`
	FirstNormalSlot          uint64 `yaml:"first_normal_slot"`
}

// Expect is what a case's author checked by hand: every runner is held to it.
type Expect struct {
	Status       string   `yaml:"status"`
	Error        string   `yaml:"error"`
	ComputeUnits *uint64  `yaml:"compute_units"`
	ExitCode     *uint64  `yaml:"exit_code"`
	ReturnData   *Hex     `yaml:"return_data"`
	Logs         []string `yaml:"logs"`
}

// CaseError is a case file that cannot be used; it names the file and the field.
type CaseError struct {
	File  string
	Field string
	Err   error
}

func (e *CaseError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("case %s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("case %s: %s: %v", e.File, e.Field, e.Err)
}

func (e *CaseError) Unwrap() error { return e.Err }

// LoadCase reads, parses and validates a case file. The program file is not read until
// ProgramBytes is called, so a corpus can be listed before it is built.
func LoadCase(path string) (*Case, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &CaseError{File: path, Err: err}
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxCaseFileBytes+1)); err != nil {
		return nil, &CaseError{File: path, Err: err}
	}
	if buf.Len() > MaxCaseFileBytes {
		return nil, &CaseError{File: path, Err: fmt.Errorf("file larger than %d bytes", MaxCaseFileBytes)}
	}
	return ParseCase(buf.Bytes(), path)
}

// ParseCase parses case YAML; path is used for error messages and to resolve the
// program path.
func ParseCase(data []byte, path string) (*Case, error) {
	var c Case
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, &CaseError{File: path, Err: fmt.Errorf("parse: %w", err)}
	}
	c.File = path
	if c.Program != "" {
		if filepath.IsAbs(c.Program) {
			c.ProgramPath = c.Program
		} else {
			c.ProgramPath = filepath.Join(filepath.Dir(path), c.Program)
		}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks the fields every runner relies on and fills defaults.
func (c *Case) Validate() error {
	fail := func(field string, err error) error { return &CaseError{File: c.File, Field: field, Err: err} }
	if c.Name == "" {
		return fail("name", errors.New("missing"))
	}
	if c.Program == "" && c.programBytes == nil {
		return fail("program", errors.New("missing"))
	}
	if _, err := solana.PublicKeyFromBase58(c.ProgramID); err != nil {
		return fail("program_id", fmt.Errorf("not a base58 public key: %w", err))
	}
	if c.ComputeBudget == 0 {
		c.ComputeBudget = DefaultComputeBudget
	}
	seen := map[string]int{}
	for i := range c.Accounts {
		a := &c.Accounts[i]
		field := fmt.Sprintf("accounts[%d]", i)
		if _, err := solana.PublicKeyFromBase58(a.Key); err != nil {
			return fail(field+".key", fmt.Errorf("not a base58 public key: %w", err))
		}
		if a.DataLen != nil {
			if len(a.Data) != 0 {
				return fail(field, errors.New("data and data_len are exclusive"))
			}
			if *a.DataLen > 10<<20 {
				return fail(field+".data_len", fmt.Errorf("%d exceeds the 10 MiB account limit", *a.DataLen))
			}
			a.Data = make(Hex, *a.DataLen)
			a.DataLen = nil
		}
		if j, dup := seen[a.Key]; dup {
			// A duplicate must describe the same account; only its position differs.
			if !c.Accounts[j].sameAccount(a) {
				return fail(field, fmt.Errorf("duplicate of accounts[%d] with different contents", j))
			}
			continue
		}
		seen[a.Key] = i
		if _, err := solana.PublicKeyFromBase58(a.Owner); err != nil {
			return fail(field+".owner", fmt.Errorf("not a base58 public key: %w", err))
		}
	}
	if sv := c.Sysvars; sv != nil && sv.Rent != nil && sv.Rent.BurnPercent > 100 {
		return fail("sysvars.rent.burn_percent", fmt.Errorf("%d exceeds 100", sv.Rent.BurnPercent))
	}
	if e := c.Expect; e != nil {
		switch e.Status {
		case StatusSuccess, StatusFailure:
		default:
			return fail("expect.status", fmt.Errorf("%q is not success or failure", e.Status))
		}
		if e.Status == StatusSuccess && e.Error != "" {
			return fail("expect.error", errors.New("given with status success"))
		}
	}
	return nil
}

func (a *CaseAccount) sameAccount(b *CaseAccount) bool {
	return a.Owner == b.Owner && a.Lamports == b.Lamports && bytes.Equal(a.Data, b.Data) &&
		a.Executable == b.Executable && a.RentEpoch == b.RentEpoch
}

// ProgramBytes reads the program ELF once and caches it; safe for concurrent use.
func (c *Case) ProgramBytes() ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.programBytes != nil {
		return c.programBytes, nil
	}
	f, err := os.Open(c.ProgramPath)
	if err != nil {
		return nil, &CaseError{File: c.File, Field: "program", Err: fmt.Errorf("%w (run `make corpus`?)", err)}
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxProgramBytes+1)); err != nil {
		return nil, &CaseError{File: c.File, Field: "program", Err: err}
	}
	if buf.Len() > MaxProgramBytes {
		return nil, &CaseError{File: c.File, Field: "program", Err: fmt.Errorf("%s larger than %d bytes", c.ProgramPath, MaxProgramBytes)}
	}
	c.programBytes = buf.Bytes()
	return c.programBytes, nil
}

// SetProgramBytes gives a case built in memory (tests, fuzzing) its program.
func (c *Case) SetProgramBytes(b []byte) {
	c.mu.Lock()
	c.programBytes = b
	c.mu.Unlock()
}
