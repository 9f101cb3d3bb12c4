package awsapi_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vpcdns/vpcdns/internal/awsapi"
	"github.com/vpcdns/vpcdns/internal/awsapi/sigv4"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
)

// serveAPI serves the API with limits on 127.0.0.1 and returns its address.
func serveAPI(t *testing.T, keys sigv4.Keys, limits awsapi.Limits) string {
	t.Helper()
	st, err := store.Open(store.Options{BaseDir: "."})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs, ln := awsapi.NewHTTPServer(awsapi.New(awsapi.Options{Store: st, Keys: keys}), ln, limits)
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return ln.Addr().String()
}

// rawPost sends the headers of a Route 53 Resolver POST with a body of
// length bytes (chunked, of unknown length, when length is negative), and
// returns the connection.
func rawPost(t *testing.T, addr string, length int64, signed bool) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	auth := ""
	if signed {
		auth = "Authorization: AWS4-HMAC-SHA256 Credential=AKIDNOBODY/20260101/us-east-1/route53resolver/aws4_request, SignedHeaders=host, Signature=00\r\n"
	}
	framing := fmt.Sprintf("Content-Length: %d", length)
	if length < 0 {
		framing = "Transfer-Encoding: chunked"
	}
	fmt.Fprintf(c, "POST / HTTP/1.1\r\nHost: %s\r\nX-Amz-Target: Route53Resolver.ListResolverRules\r\nContent-Type: application/x-amz-json-1.1\r\n%s%s\r\n\r\n", addr, auth, framing)
	return c
}

// writeChunked writes size bytes of zeros as a chunked body, 1 MiB a chunk.
func writeChunked(w io.Writer, size int) {
	chunk := make([]byte, 1<<20)
	for sent := 0; sent < size; sent += len(chunk) {
		if _, err := fmt.Fprintf(w, "%x\r\n", len(chunk)); err != nil {
			return
		}
		if _, err := w.Write(chunk); err != nil {
			return
		}
		if _, err := io.WriteString(w, "\r\n"); err != nil {
			return
		}
	}
	io.WriteString(w, "0\r\n\r\n")
}

// The defaults of serve --api-listen: a body must arrive within 30 s.
func TestDefaultLimits(t *testing.T) {
	l := awsapi.DefaultLimits()
	if l.ReadTimeout <= 0 || l.ReadTimeout > 30*time.Second || l.ReadHeaderTimeout <= 0 || l.IdleTimeout <= 0 || l.WriteTimeout <= 0 || l.MaxConns <= 0 {
		t.Errorf("DefaultLimits() = %+v; want every limit set, ReadTimeout at most 30 s", l)
	}
}

// A client that sends its body a byte at a time is cut off at ReadTimeout.
func TestSlowBodyCutOff(t *testing.T) {
	limits := awsapi.DefaultLimits()
	limits.ReadTimeout = time.Second
	addr := serveAPI(t, nil, limits)
	c := rawPost(t, addr, 1000, false)
	defer c.Close()
	start := time.Now()
	closed := make(chan time.Duration, 1)
	go func() {
		io.Copy(io.Discard, c) // returns when the server closes
		closed <- time.Since(start)
	}()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case d := <-closed:
			if d > limits.ReadTimeout+2*time.Second {
				t.Errorf("slow body cut off after %v; want about %v", d, limits.ReadTimeout)
			}
			return
		case <-tick.C:
			c.Write([]byte("{"))
		case <-time.After(10 * time.Second):
			t.Fatal("a slow body was still being read after 10 s")
		}
	}
}

// Past MaxConns a connection is closed at once, not left waiting.
func TestConnectionCap(t *testing.T) {
	limits := awsapi.DefaultLimits()
	limits.MaxConns = 4
	addr := serveAPI(t, nil, limits)
	var held []net.Conn
	for range limits.MaxConns {
		c := rawPost(t, addr, 10, false) // headers, no body: the server waits
		held = append(held, c)
	}
	time.Sleep(100 * time.Millisecond) // let the server accept them
	extra, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	extra.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := extra.Read(make([]byte, 1)); err == nil || isTimeout(err) {
		t.Errorf("connection past the cap: read %v; want it closed at once", err)
	}
	extra.Close()
	for _, c := range held {
		c.Close()
	}
	// Slots come back: a request is answered again.
	ok := false
	for range 50 {
		resp, err := http.Post("http://"+addr+"/", "application/x-www-form-urlencoded", strings.NewReader("Action=DescribeVpcs&Version=2016-11-15"))
		if err == nil {
			resp.Body.Close()
			ok = resp.StatusCode == http.StatusOK
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !ok {
		t.Errorf("no request answered once the held connections closed")
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// A body over 1 MiB is refused (the APIs' largest request is far smaller).
func TestBodyLimit(t *testing.T) {
	addr := serveAPI(t, nil, awsapi.DefaultLimits())
	c := rawPost(t, addr, 2<<20, false)
	defer c.Close()
	go io.Copy(c, io.LimitReader(zeros{}, 2<<20))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "1 MiB") {
		t.Errorf("2 MiB body: %d %s; want 400 naming the 1 MiB limit", resp.StatusCode, body)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// 40 unsigned 100 MB bodies to a server that requires signatures, half of
// them chunked (no length to refuse them by): each is refused on its
// headers, and memory does not grow by their size (it grew by 730 MB when
// the body was read first).
func TestUnsignedBodiesNotRead(t *testing.T) {
	keys, err := sigv4.ParseKeys([]byte("AKIDVPCDNS0000000001 secret\n"))
	if err != nil {
		t.Fatal(err)
	}
	addr := serveAPI(t, keys, awsapi.DefaultLimits())
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	const (
		clients = 40
		size    = 100 << 20
	)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		status []int
	)
	for i := range clients {
		wg.Go(func() {
			chunked := i%4 < 2
			length := int64(size)
			if chunked {
				length = -1
			}
			c := rawPost(t, addr, length, i%2 == 0) // unsigned, or signed by an unknown key
			defer c.Close()
			if chunked {
				go writeChunked(c, size)
			} else {
				go io.Copy(c, io.LimitReader(zeros{}, size))
			}
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			status = append(status, resp.StatusCode)
			mu.Unlock()
		})
	}
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	for _, s := range status {
		if s != http.StatusBadRequest && s != http.StatusForbidden {
			t.Errorf("status %d; want 400 or 403", s)
		}
	}
	grew := int64(after.Sys) - int64(before.Sys)
	t.Logf("memory from the OS: %d MB before, %d MB after (%+d MB); %d requests refused", before.Sys>>20, after.Sys>>20, grew>>20, len(status))
	if grew > 50<<20 {
		t.Errorf("memory grew by %d MB for %d refused bodies; want under 50 MB", grew>>20, clients)
	}
}
