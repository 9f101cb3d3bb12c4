package awsapi_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// botoShape is one shape of a botocore service model.
type botoShape struct {
	Type    string `json:"type"`
	Members map[string]struct {
		Shape        string `json:"shape"`
		LocationName string `json:"locationName"`
	} `json:"members"`
	Member *struct {
		Shape        string `json:"shape"`
		LocationName string `json:"locationName"`
	} `json:"member"`
}

type botoModel struct {
	Operations map[string]struct {
		Output *struct {
			Shape string `json:"shape"`
		} `json:"output"`
	} `json:"operations"`
	Shapes map[string]botoShape `json:"shapes"`
}

// ec2Model reads botocore's EC2 model from the machine; without botocore
// the test skips (fails in CI).
func ec2Model(t *testing.T) *botoModel {
	t.Helper()
	out, err := exec.Command("python3", "-c", "import botocore,os;print(os.path.dirname(botocore.__file__))").Output()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("botocore is not installed: %v", err)
		}
		t.Skipf("botocore is not installed: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "data", "ec2", "2016-11-15")
	var r io.Reader
	if f, err := os.Open(filepath.Join(dir, "service-2.json")); err == nil {
		defer f.Close()
		r = f
	} else {
		f, err := os.Open(filepath.Join(dir, "service-2.json.gz"))
		if err != nil {
			t.Fatalf("botocore's ec2 model: %v", err)
		}
		defer f.Close()
		z, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = z
	}
	var m botoModel
	if err := json.NewDecoder(r).Decode(&m); err != nil {
		t.Fatalf("botocore's ec2 model: %v", err)
	}
	return &m
}

// xmlNode is an element of a response.
type xmlNode struct {
	XMLName  xml.Name
	Children []xmlNode `xml:",any"`
}

// checkShape reports the elements of n that the shape does not have.
func checkShape(m *botoModel, shape string, n xmlNode, path string, errs *[]string) {
	s := m.Shapes[shape]
	switch s.Type {
	case "structure":
		for _, c := range n.Children {
			found := ""
			for name, mem := range s.Members {
				loc := mem.LocationName
				if loc == "" {
					loc = name
				}
				if loc == c.XMLName.Local {
					found = mem.Shape
				}
			}
			if found == "" {
				*errs = append(*errs, path+"/"+c.XMLName.Local+": not a member of "+shape)
				continue
			}
			checkShape(m, found, c, path+"/"+c.XMLName.Local, errs)
		}
	case "list":
		want := "item"
		if s.Member.LocationName != "" {
			want = s.Member.LocationName
		}
		for _, c := range n.Children {
			if c.XMLName.Local != want {
				*errs = append(*errs, path+"/"+c.XMLName.Local+": a list of "+shape+" holds "+want)
				continue
			}
			checkShape(m, s.Member.Shape, c, path+"/"+want, errs)
		}
	default:
		if len(n.Children) > 0 {
			*errs = append(*errs, path+": "+shape+" is a "+s.Type+", not a structure")
		}
	}
}

// recorder keeps the EC2 responses a client received, by action.
type recorder struct {
	mu     sync.Mutex
	bodies map[string][][]byte
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	action := ""
	for _, kv := range strings.Split(string(body), "&") {
		if v, ok := strings.CutPrefix(kv, "Action="); ok {
			action = v
		}
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || resp.StatusCode != 200 {
		return resp, err
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(b))
	r.mu.Lock()
	r.bodies[action] = append(r.bodies[action], b)
	r.mu.Unlock()
	return resp, nil
}

// recordEC2 points e.ec2 at a client that records the responses.
func recordEC2(e *env) *recorder {
	rec := &recorder{bodies: map[string][][]byte{}}
	url := e.srv.URL
	e.ec2 = ec2.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1, HTTPClient: &http.Client{Transport: rec}}, func(o *ec2.Options) { o.BaseEndpoint = &url })
	return rec
}

// checkRecorded checks every recorded response of the hybrid actions
// against botocore's output shape of the action.
func checkRecorded(t *testing.T, rec *recorder, actions []string) {
	t.Helper()
	m := ec2Model(t)
	for _, act := range actions {
		bodies := rec.bodies[act]
		if len(bodies) == 0 {
			t.Errorf("%s: no response recorded", act)
			continue
		}
		op := m.Operations[act]
		for _, b := range bodies {
			var root xmlNode
			if err := xml.Unmarshal(b, &root); err != nil {
				t.Errorf("%s: %v", act, err)
				continue
			}
			var errs []string
			for _, c := range root.Children {
				if c.XMLName.Local == "requestId" {
					continue
				}
				if op.Output == nil {
					if c.XMLName.Local != "return" {
						errs = append(errs, c.XMLName.Local+": the action has no output")
					}
					continue
				}
				checkShape(m, op.Output.Shape, xmlNode{Children: []xmlNode{c}}, act, &errs)
			}
			for _, e := range errs {
				t.Errorf("%s", e)
			}
		}
	}
}
