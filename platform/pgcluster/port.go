package pgcluster

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// choosePort keeps the configured TCP port unless another program holds it
// (typically the cluster of another piazza, on another data directory):
// then any free port will do, since piazza itself connects through the
// Unix socket and the port is only for tools such as psql.
func (c *Cluster) choosePort() error {
	if c.opts.Port == 0 || portFree(c.opts.Port) {
		return nil
	}
	p, err := freePort()
	if err != nil {
		return fmt.Errorf("cannot start PostgreSQL: port 127.0.0.1:%d is in use by another program, and no other port is free: %w", c.opts.Port, err)
	}
	c.logf("port 127.0.0.1:%d is in use by another program: PostgreSQL listens on 127.0.0.1:%d instead", c.opts.Port, p)
	c.opts.Port = p
	return c.writeConf()
}

// adoptPort follows the port of a server already running in the directory,
// which may not be the configured one (see choosePort): its socket is
// named after it.
func (c *Cluster) adoptPort() {
	b, err := os.ReadFile(filepath.Join(c.dataDir(), "postmaster.pid"))
	if err != nil {
		return
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 4 {
		return
	}
	if p, err := strconv.Atoi(strings.TrimSpace(lines[3])); err == nil && p > 0 && p != c.port() {
		c.opts.Port = p
	}
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// freePort asks the system for a loopback port that nobody listens on.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
