package netpath

import (
	"slices"
	"testing"
)

func TestSpans(t *testing.T) {
	eph := spans{{1024, 65535}}
	tests := []struct {
		name string
		got  spans
		want spans
	}{
		{"intersect inside", eph.intersect(span{2000, 3000}), spans{{2000, 3000}}},
		{"intersect overlapping the low end", eph.intersect(span{0, 1024}), spans{{1024, 1024}}},
		{"intersect below", eph.intersect(span{0, 1023}), nil},
		{"intersect several", spans{{1, 10}, {20, 30}, {40, 50}}.intersect(span{5, 45}), spans{{5, 10}, {20, 30}, {40, 45}}},
		{"subtract a hole", eph.subtract(span{2000, 3000}), spans{{1024, 1999}, {3001, 65535}}},
		{"subtract the top", eph.subtract(span{32768, 65535}), spans{{1024, 32767}}},
		{"subtract everything", eph.subtract(span{0, 65535}), nil},
		{"subtract nothing", eph.subtract(span{0, 1023}), eph},
		{"subtract across spans", spans{{1, 10}, {20, 30}, {40, 50}}.subtract(span{5, 45}), spans{{1, 4}, {46, 50}}},
		{"normalize merges adjacent and overlapping", spans{{3001, 65535}, {1024, 1999}, {2000, 2500}, {2400, 3000}}.normalize(), spans{{1024, 65535}}},
		{"normalize keeps gaps", spans{{40, 50}, {1, 10}}.normalize(), spans{{1, 10}, {40, 50}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !slices.Equal(tc.got, tc.want) {
				t.Errorf("got %v; want %v", tc.got, tc.want)
			}
		})
	}
	if got, want := (spans{{1024, 1999}, {3001, 3001}}).String(), "1024-1999, 3001"; got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
}
