package storagetest

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// processEnv is set for a test binary started to be the server.
const processEnv = "PIAZZA_TEST_S3_PROCESS"

// ServeIfChild makes the test binary the server when StartProcess started
// it: it serves until its standard input closes, then exits. Call it first
// in TestMain.
func ServeIfChild() {
	if os.Getenv(processEnv) == "" {
		return
	}
	h, err := newHandler()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	fmt.Printf("%s %s\n", strings.TrimPrefix(srv.URL, "https://"), base64.StdEncoding.EncodeToString(cert))
	_, _ = io.Copy(io.Discard, os.Stdin) // until the test ends or dies
	srv.Close()
	os.Exit(0)
}

// StartProcess starts a server speaking HTTPS in a process of its own (the
// test binary again, whose TestMain calls ServeIfChild); it stops when the
// test ends.
func StartProcess(t testing.TB) *Server {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), processEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	endpoint, cert, ok := strings.Cut(strings.TrimSpace(line), " ")
	if err != nil || !ok {
		t.Fatalf("S3 server process: %q, %v", line, err)
	}
	pemBytes, err := base64.StdEncoding.DecodeString(cert)
	pool := x509.NewCertPool()
	if err != nil || !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("S3 server process: bad certificate: %v", err)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	return &Server{Endpoint: endpoint, transport: tr}
}
