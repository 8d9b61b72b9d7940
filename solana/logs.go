package solana

// LogMessagesBytesLimit is the log collector's byte budget (Agave's
// LOG_MESSAGES_BYTES_LIMIT).
const LogMessagesBytesLimit = 10 * 1000

// LogTruncated is the line the log collector writes, once, when a message would exceed
// the budget.
const LogTruncated = "Log truncated"

// LogCollector is Agave's log collector (ic_logger_msg!): messages are kept until they
// would reach LogMessagesBytesLimit bytes in all; then a single LogTruncated line
// replaces everything that follows.
type LogCollector struct {
	// Logs is the collector's content.
	Logs      []string
	bytes     int
	truncated bool
}

// Log appends msg under the byte budget.
func (c *LogCollector) Log(msg string) {
	n := c.bytes + len(msg)
	if n >= LogMessagesBytesLimit {
		if !c.truncated {
			c.truncated = true
			c.Logs = append(c.Logs, LogTruncated)
		}
		return
	}
	c.bytes = n
	c.Logs = append(c.Logs, msg)
}

// ResumeLogCollector returns a collector that continues from msgs, the content of
// another collector (the PVM service's), with the same budget already spent.
func ResumeLogCollector(msgs []string) *LogCollector {
	c := &LogCollector{Logs: make([]string, 0, len(msgs)+4)}
	for _, m := range msgs {
		if m == LogTruncated {
			c.truncated = true
		} else {
			c.bytes += len(m)
		}
		c.Logs = append(c.Logs, m)
	}
	return c
}
