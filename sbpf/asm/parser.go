package asm

import (
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// This file is the grammar of anza-xyz/sbpf src/asm_parser.rs, written by hand:
//
//	program    = ws { (label | directive | instruction) ws } EOF
//	label      = ident ":"
//	directive  = "." alnum+ " "* operands
//	instruction= alnum+ " "* operands
//	operands   = [ operand { "," " "* operand } ]
//	operand    = register | integer | "[" register " "* [integer] "]" | ident
//	register   = "r" digit+
//	integer    = [("+"|"-") " "*] ("0x" hexdigit+ | digit+)
//	ident      = (alnum | "_")+
//
// Two small extensions: comments ("#" or "//" to the end of the line) wherever
// whitespace may appear between statements, and an operand starting with "r" that is
// not a register is read as a label (anza rejects such labels).

// OperandKind says which of the anza Operand variants an Operand is.
type OperandKind uint8

// Operand kinds.
const (
	OpRegister OperandKind = iota // Register(n)
	OpInteger                     // Integer(v)
	OpMemory                      // Memory(reg, off)
	OpLabel                       // Label(name)
)

// Operand is one parsed operand.
type Operand struct {
	Kind  OperandKind
	Reg   int64  // OpRegister, OpMemory
	Value int64  // OpInteger, OpMemory offset
	Label string // OpLabel
}

func (o Operand) String() string {
	switch o.Kind {
	case OpRegister:
		return fmt.Sprintf("Register(%d)", o.Reg)
	case OpInteger:
		return fmt.Sprintf("Integer(%d)", o.Value)
	case OpMemory:
		return fmt.Sprintf("Memory(%d, %d)", o.Reg, o.Value)
	}
	return fmt.Sprintf("Label(%q)", o.Label)
}

// StatementKind distinguishes labels, directives and instructions.
type StatementKind uint8

// Statement kinds.
const (
	StmtLabel StatementKind = iota
	StmtDirective
	StmtInstruction
)

// Statement is one parsed statement with its source line.
type Statement struct {
	Kind     StatementKind
	Name     string
	Operands []Operand
	Line     int
}

// Error is an assembler error with the source position when known.
type Error struct {
	Line, Column int // 1-based; 0 when not tied to a position
	Msg          string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.Msg
	}
	if e.Column == 0 {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("Parse error at line %d column %d: %s", e.Line, e.Column, e.Msg)
}

type parser struct {
	src       string
	pos       int
	line, col int // of pos
}

func (p *parser) peek() (rune, int) {
	if p.pos >= len(p.src) {
		return utf8.RuneError, 0
	}
	return utf8.DecodeRuneInString(p.src[p.pos:])
}

func (p *parser) advance() {
	r, n := p.peek()
	if n == 0 {
		return
	}
	p.pos += n
	if r == '\n' {
		p.line++
		p.col = 1
	} else {
		p.col++
	}
}

func (p *parser) errf(format string, args ...any) error {
	return &Error{Line: p.line, Column: p.col, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) unexpected(expected string) error {
	r, n := p.peek()
	if n == 0 {
		return p.errf("unexpected end of input, expected %s", expected)
	}
	return p.errf("unexpected %q, expected %s", r, expected)
}

// skipSpace skips all whitespace and comments (between statements).
func (p *parser) skipSpace() {
	for {
		r, n := p.peek()
		switch {
		case n == 0:
			return
		case unicode.IsSpace(r):
			p.advance()
		case r == '#' || (r == '/' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '/'):
			for {
				r, n := p.peek()
				if n == 0 || r == '\n' {
					break
				}
				p.advance()
			}
		default:
			return
		}
	}
}

func (p *parser) skipBlanks() {
	for {
		r, n := p.peek()
		if n == 0 || r != ' ' {
			return
		}
		p.advance()
	}
}

func isAlnum(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func (p *parser) take(pred func(rune) bool) string {
	start := p.pos
	for {
		r, n := p.peek()
		if n == 0 || !pred(r) {
			break
		}
		p.advance()
	}
	return p.src[start:p.pos]
}

// Parse turns source text into statements (asm_parser.rs parse). Names and operand
// types are not validated here.
func Parse(src string) ([]Statement, error) {
	p := &parser{src: src, line: 1, col: 1}
	var out []Statement
	p.skipSpace()
	for p.pos < len(p.src) {
		st, err := p.statement()
		if err != nil {
			return nil, err
		}
		out = append(out, st)
		p.skipSpace()
	}
	return out, nil
}

func (p *parser) statement() (Statement, error) {
	line := p.line
	r, _ := p.peek()
	if r == '.' {
		p.advance()
		name := p.take(isAlnum)
		if name == "" {
			return Statement{}, p.unexpected("letter or digit")
		}
		p.skipBlanks()
		ops, err := p.operands()
		return Statement{Kind: StmtDirective, Name: name, Operands: ops, Line: line}, err
	}
	// A label is an ident followed by ':'; otherwise backtrack to an instruction.
	save := *p
	ident := p.take(func(r rune) bool { return isAlnum(r) || r == '_' })
	if ident != "" {
		if r, n := p.peek(); n != 0 && r == ':' {
			p.advance()
			return Statement{Kind: StmtLabel, Name: ident, Line: line}, nil
		}
	}
	*p = save
	name := p.take(isAlnum)
	if name == "" {
		return Statement{}, p.unexpected("letter or digit, expected '_', expected '.', expected whitespaces, expected end of input")
	}
	p.skipBlanks()
	ops, err := p.operands()
	return Statement{Kind: StmtInstruction, Name: name, Operands: ops, Line: line}, err
}

func (p *parser) startsOperand() bool {
	r, n := p.peek()
	return n != 0 && (isAlnum(r) || r == '_' || r == '[' || r == '+' || r == '-')
}

func (p *parser) operands() ([]Operand, error) {
	var ops []Operand
	if !p.startsOperand() {
		return nil, nil
	}
	for {
		op, err := p.operand()
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
		if r, n := p.peek(); n == 0 || r != ',' {
			return ops, nil
		}
		p.advance()
		p.skipBlanks()
	}
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func (p *parser) register() (int64, bool, error) {
	if r, n := p.peek(); n == 0 || r != 'r' {
		return 0, false, nil
	}
	if p.pos+1 >= len(p.src) || !isDigit(rune(p.src[p.pos+1])) {
		return 0, false, nil
	}
	p.advance()
	digits := p.take(isDigit)
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		v = 0 // anza: unwrap_or(0)
	}
	return v, true, nil
}

func (p *parser) integer() (int64, bool, error) {
	r, n := p.peek()
	if n == 0 {
		return 0, false, nil
	}
	sign := int64(1)
	if r == '+' || r == '-' {
		if r == '-' {
			sign = -1
		}
		p.advance()
		p.skipBlanks()
	} else if !isDigit(r) {
		return 0, false, nil
	}
	isHex := func(r rune) bool { return isDigit(r) || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F') }
	var v int64
	if len(p.src)-p.pos >= 3 && p.src[p.pos] == '0' && p.src[p.pos+1] == 'x' && isHex(rune(p.src[p.pos+2])) {
		p.advance()
		p.advance()
		u, err := strconv.ParseUint(p.take(isHex), 16, 64)
		if err != nil {
			u = 0
		}
		v = int64(u)
	} else {
		digits := p.take(isDigit)
		if digits == "" {
			return 0, false, p.unexpected("digit")
		}
		d, err := strconv.ParseInt(digits, 10, 64)
		if err != nil {
			d = 0
		}
		v = d
	}
	return sign * v, true, nil
}

func (p *parser) operand() (Operand, error) {
	if reg, ok, err := p.register(); err != nil || ok {
		return Operand{Kind: OpRegister, Reg: reg}, err
	}
	if v, ok, err := p.integer(); err != nil || ok {
		return Operand{Kind: OpInteger, Value: v}, err
	}
	if r, _ := p.peek(); r == '[' {
		p.advance()
		reg, ok, err := p.register()
		if err != nil {
			return Operand{}, err
		}
		if !ok {
			return Operand{}, p.unexpected("register")
		}
		p.skipBlanks()
		off, _, err := p.integer()
		if err != nil {
			return Operand{}, err
		}
		if r, n := p.peek(); n == 0 || r != ']' {
			return Operand{}, p.unexpected("']'")
		}
		p.advance()
		return Operand{Kind: OpMemory, Reg: reg, Value: off}, nil
	}
	label := p.take(func(r rune) bool { return isAlnum(r) || r == '_' })
	if label == "" {
		return Operand{}, p.unexpected("operand")
	}
	return Operand{Kind: OpLabel, Label: label}, nil
}
