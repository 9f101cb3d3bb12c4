// Package capacity finds, in Route 53 Resolver query logs, the ENIs and
// endpoint addresses that run at AWS's DNS rate limits (docs/limits.md):
// it counts each source ENI's and each endpoint address's queries per
// second and sets the peak and the 99th percentile against the limit.
package capacity

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"time"
)

// Entry is what capacity reads of one query-log record.
type Entry struct {
	Time      time.Time
	VPC       string
	SrcAddr   netip.Addr // invalid when the record has none
	Transport string     // "UDP" or "TCP"
	QueryType string
	Instance  string // srcids.instance
	Endpoint  string // srcids.resolver_endpoint
	RNI       string // srcids.resolver_network_interface (an endpoint's ENI)
}

// record is a query-log record as vpcdns and AWS write it, and the
// wrappers AWS's exports put around it: a CloudWatch Logs event
// ("message" holds the record as a string) and the output of
// `aws logs filter-log-events` ("events" holds such events).
type record struct {
	QueryTimestamp string `json:"query_timestamp"`
	VPCID          string `json:"vpc_id"`
	SrcAddr        string `json:"srcaddr"`
	Transport      string `json:"transport"`
	QueryType      string `json:"query_type"`
	SrcIDs         struct {
		Instance                 string `json:"instance"`
		ResolverEndpoint         string `json:"resolver_endpoint"`
		ResolverNetworkInterface string `json:"resolver_network_interface"`
	} `json:"srcids"`
	Message *string           `json:"message"`
	Events  []json.RawMessage `json:"events"`
}

// maxLine bounds one line of a log read line by line.
const maxLine = 1 << 20

// Read reads query-log records from r and calls fn for each. r may be
// gzip-compressed (S3 exports are). It holds one JSON record a line (as
// vpcdns and AWS's S3 and CloudWatch Logs destinations write them), JSON
// records back to back (Firehose), the JSON output of `aws logs
// filter-log-events`, or the lines of `aws logs tail` (a timestamp and a
// stream name before each record). name labels errors. Records without a
// timestamp are skipped and counted.
func Read(r io.Reader, name string, fn func(Entry)) (skipped int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return 0, fmt.Errorf("read query log %s: %w", name, err)
		}
		defer zr.Close()
		br = bufio.NewReaderSize(zr, 64<<10)
	}
	p := &parser{name: name, fn: fn}
	first, err := firstByte(br)
	if err != nil {
		return 0, err
	}
	if first == '{' {
		err = p.stream(br)
	} else {
		err = p.lines(br)
	}
	return p.skipped, err
}

func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			return 0, nil // empty
		}
		if b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n' {
			br.ReadByte()
			continue
		}
		return b[0], nil
	}
}

type parser struct {
	name    string
	fn      func(Entry)
	n       int // records read, for errors
	skipped int
}

// stream reads JSON values back to back.
func (p *parser) stream(r io.Reader) error {
	dec := json.NewDecoder(r)
	for {
		var rec record
		err := dec.Decode(&rec)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read query log %s: record %d (byte %d): %w", p.name, p.n+1, dec.InputOffset(), err)
		}
		if err := p.record(&rec, 0); err != nil {
			return err
		}
	}
}

// lines reads one record a line, each possibly after a prefix.
func (p *parser) lines(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		i := bytes.IndexByte(b, '{')
		if i < 0 {
			if len(b) > 0 {
				p.skipped++
			}
			continue
		}
		var rec record
		if err := json.Unmarshal(b[i:], &rec); err != nil {
			return fmt.Errorf("read query log %s: line %d: %w", p.name, line, err)
		}
		if err := p.record(&rec, line); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read query log %s: line %d: %w", p.name, line+1, err)
	}
	return nil
}

// record hands one decoded value to fn, unwrapping CloudWatch events.
func (p *parser) record(rec *record, line int) error {
	where := func() string {
		if line > 0 {
			return fmt.Sprintf("line %d", line)
		}
		return fmt.Sprintf("record %d", p.n)
	}
	if rec.Events != nil {
		for i, raw := range rec.Events {
			var ev record
			if err := json.Unmarshal(raw, &ev); err != nil {
				return fmt.Errorf("read query log %s: %s: events[%d]: %w", p.name, where(), i, err)
			}
			if err := p.record(&ev, line); err != nil {
				return err
			}
		}
		return nil
	}
	if rec.Message != nil && rec.QueryTimestamp == "" {
		var inner record
		if err := json.Unmarshal([]byte(*rec.Message), &inner); err != nil {
			p.skipped++ // a log event that is no query-log record
			return nil
		}
		inner.Message = nil
		inner.Events = nil
		return p.record(&inner, line)
	}
	p.n++
	e, ok := entryOf(rec)
	if !ok {
		p.skipped++
		return nil
	}
	p.fn(e)
	return nil
}

func entryOf(rec *record) (Entry, bool) {
	t, err := time.Parse(time.RFC3339Nano, rec.QueryTimestamp)
	if err != nil {
		return Entry{}, false
	}
	e := Entry{
		Time:      t.UTC(),
		VPC:       rec.VPCID,
		Transport: strings.ToUpper(rec.Transport),
		QueryType: strings.ToUpper(rec.QueryType),
		Instance:  rec.SrcIDs.Instance,
		Endpoint:  rec.SrcIDs.ResolverEndpoint,
		RNI:       rec.SrcIDs.ResolverNetworkInterface,
	}
	if a, err := netip.ParseAddr(rec.SrcAddr); err == nil {
		e.SrcAddr = a.Unmap()
	}
	return e, true
}
