package awsread

import (
	"context"
	"sync"
	"testing"
	"time"
)

// boundSource answers every call with an empty page after a pause and
// records how many calls were in flight at once.
type boundSource struct {
	mu            sync.Mutex
	now, max, all int
}

func (s *boundSource) pages(ctx context.Context, c *call, k key, page func([]byte) error) error {
	s.mu.Lock()
	s.now++
	s.all++
	s.max = max(s.max, s.now)
	s.mu.Unlock()
	time.Sleep(5 * time.Millisecond)
	s.mu.Lock()
	s.now--
	s.mu.Unlock()
	if c.Op == "GetCallerIdentity" {
		return page([]byte(`{"Account": "111111111111"}`))
	}
	if c.Op == "DescribeVpcs" { // per-VPC calls follow
		return page([]byte(`{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}, {"VpcId": "vpc-2", "CidrBlock": "10.1.0.0/16"}]}`))
	}
	return page([]byte(`{}`))
}

// TestReadAccountBoundsConcurrency: the calls of an account run
// concurrently, never more than the bound at once, and every call of the
// table is made (the per-resource ones once per resource).
func TestReadAccountBoundsConcurrency(t *testing.T) {
	for _, limit := range []int{1, 3, 8} {
		src := &boundSource{}
		_, failures, _, err := readAccount(context.Background(), src, limit, true, nil)
		if err != nil || len(failures) != 0 {
			t.Fatalf("limit %d: %v %v", limit, err, failures)
		}
		if src.max > limit {
			t.Errorf("limit %d: %d calls in flight at once", limit, src.max)
		}
		if limit > 1 && src.max < 2 {
			t.Errorf("limit %d: the calls ran one at a time", limit)
		}
		lists, perVPC := 0, 0
		for _, c := range Calls() {
			switch {
			case c.Each == nil:
				lists++
			case c.Each.Source == "DescribeVpcs":
				perVPC++
			}
		}
		if want := lists + 2*perVPC; src.all != want {
			t.Errorf("limit %d: %d calls made, want %d", limit, src.all, want)
		}
	}
}
