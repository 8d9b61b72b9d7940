package svcrt

import "embed"

// CSources holds the C runtime (c/*.c, c/*.h) so that runners can build their guests from
// any working directory.
//
//go:embed c/*.c c/*.h
var CSources embed.FS

// RuntimeFiles are the runtime's translation units, in link order. svc_refine.c is the
// PVM entry point; a host build replaces it with its own main.
var RuntimeFiles = []string{"svc_core.c", "svc_service.c", "svc_syscalls.c", "svc_crypto.c", "svc_refine.c"}
