package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// serverPID is the process listening on addr's port (read from /proc:
// Linux, and a process of the same user).
func serverPID(addr string) (int, error) {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return 0, fmt.Errorf("port of %s: %w", addr, err)
	}
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		listening(f, port, inodes)
	}
	if len(inodes) == 0 {
		return 0, fmt.Errorf("nothing listens on port %d", port)
	}
	fds, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, fd := range fds {
		link, err := os.Readlink(fd)
		if err != nil || !strings.HasPrefix(link, "socket:[") {
			continue
		}
		if inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
			return strconv.Atoi(strings.Split(fd, "/")[2])
		}
	}
	return 0, fmt.Errorf("the process listening on port %d is not readable (another user's?): give -pid", port)
}

// listening adds to inodes the sockets of the table f (/proc/net/tcp)
// listening on port.
func listening(f string, port int, inodes map[string]bool) {
	b, err := os.ReadFile(f)
	if err != nil {
		return
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != "0A" { // 0A: LISTEN
			continue
		}
		_, hexPort, ok := strings.Cut(fields[1], ":")
		if p, err := strconv.ParseInt(hexPort, 16, 32); ok && err == nil && int(p) == port {
			inodes[fields[9]] = true
		}
	}
}

// rss is the resident memory of process pid, in bytes (VmRSS).
func rss(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// rssText is the server's memory for the report, or why it is unknown.
func rssText(pid int) string {
	if pid == 0 {
		return "unknown"
	}
	b, err := rss(pid)
	if err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return fmt.Sprintf("%.1f MB", float64(b)/1e6)
}

// cacheSetting says from the server's environment whether it caches
// tenant data: "uncached" when PIAZZA_CACHE_ENTRIES is 0, else "cached",
// with the settings that bear on it (the cache's bounds, GOGC).
func cacheSetting(pid int) (label, detail string) {
	if pid == 0 {
		return "cache unknown", "the server's process is unknown"
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		return "cache unknown", err.Error()
	}
	env := map[string]string{}
	for _, kv := range bytes.Split(b, []byte{0}) {
		if k, v, ok := strings.Cut(string(kv), "="); ok {
			env[k] = v
		}
	}
	var set []string
	for _, k := range []string{"PIAZZA_CACHE_ENTRIES", "PIAZZA_CACHE_BYTES", "GOGC", "GOMEMLIMIT"} {
		if v, ok := env[k]; ok {
			set = append(set, k+"="+v)
		}
	}
	detail = "server defaults"
	if len(set) > 0 {
		detail = strings.Join(set, " ")
	}
	if strings.TrimSpace(env["PIAZZA_CACHE_ENTRIES"]) == "0" {
		return "uncached", detail
	}
	return "cached", detail
}
