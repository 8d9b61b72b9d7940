package harness

import (
	"fmt"

	"github.com/sbpf-pvm/sbpf-pvm/node"
	"github.com/sbpf-pvm/sbpf-pvm/runners"
)

// NodeValidator is the real node layer (package node) as a DiffValidator: every
// successful result's diff is submitted to a fresh node whose store holds the case's
// accounts; a diff that breaks one of Agave's rules is rejected with the rule's
// InstructionError kind.
type NodeValidator struct{}

// Rejection is a diff the node layer refused; Kind is the error kind the result gets.
type Rejection struct {
	RuleKind string
	Detail   string
}

func (r *Rejection) Error() string {
	if r.Detail == "" {
		return "node rejected the diff: " + r.RuleKind
	}
	return "node rejected the diff: " + r.RuleKind + ": " + r.Detail
}

// Kind implements ErrorKind.
func (r *Rejection) Kind() string { return r.RuleKind }

// Validate implements DiffValidator.
func (NodeValidator) Validate(c *runners.Case, r *runners.Result) error {
	_, rc, err := node.CheckResult(c, r)
	if err != nil {
		return fmt.Errorf("node layer could not check the diff: %w", err)
	}
	if rc != nil && rc.Status == node.ReceiptRejected {
		return &Rejection{RuleKind: rc.Error, Detail: rc.Detail}
	}
	if rc != nil && rc.Status != node.ReceiptCommitted {
		return fmt.Errorf("node layer: diff %s", rc.Status)
	}
	return nil
}
