package store

import (
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/config"
)

// Record is one stored resource, as a Backend keeps it: Bucket is its kind
// (a section of network.yaml, or a kind of side record), Key its id, Value
// its encoded form; a nil Value deletes the key.
type Record struct {
	Bucket, Key string
	Value       []byte
}

// Buckets. Every list of network.yaml is a bucket "network.KEY" of one
// record per element (by id); its scalar keys (account_id, region,
// internet, emulation) are records of the bucket "network".
const (
	bucketNetwork = "network"
	bucketObjects = "meta.objects"
	bucketAssocs  = "meta.assocs"
	bucketChanges = "meta.changes"
	sectionPrefix = "network."
)

// section is one top-level key of config.File.
type section struct {
	name   string // the network.yaml key
	bucket string // for lists
	field  int    // index in config.File
	list   bool   // a list of resources, one record each
	idx    int    // index of the element's ID field, -1 without
}

var sections = fileSections()

func fileSections() []section {
	t := reflect.TypeFor[config.File]()
	var out []section
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			panic("store: config.File." + f.Name + " has no json name")
		}
		s := section{name: name, field: i, idx: -1}
		if f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct {
			s.list, s.bucket = true, sectionPrefix+name
			if id, ok := f.Type.Elem().FieldByName("ID"); ok && id.Type.Kind() == reflect.String && len(id.Index) == 1 {
				s.idx = id.Index[0]
			}
		}
		out = append(out, s)
	}
	return out
}

// value is a record's value: the order of the resource in its list (8
// bytes, big endian) and its JSON.
func value(seq uint64, v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 8, 8+len(data))
	binary.BigEndian.PutUint64(out, seq)
	return append(out, data...), nil
}

func splitValue(b []byte) (uint64, []byte, error) {
	if len(b) < 8 {
		return 0, nil, fmt.Errorf("record of %d bytes: too short", len(b))
	}
	return binary.BigEndian.Uint64(b[:8]), b[8:], nil
}

// keys returns the record keys of a list's elements: their ids, or their
// positions when some element has no id or shares it.
func (s section) keys(list reflect.Value) []string {
	out := make([]string, list.Len())
	seen := make(map[string]bool, list.Len())
	byID := s.idx >= 0
	for i := range out {
		if byID {
			id := list.Index(i).Field(s.idx).String()
			if id == "" || seen[id] || strings.HasPrefix(id, "#") {
				byID = false
			} else {
				seen[id] = true
				out[i] = id
			}
		}
	}
	if !byID {
		for i := range out {
			out[i] = fmt.Sprintf("#%08d", i)
		}
	}
	return out
}

// order is the position of every stored list element, by bucket and key,
// and the next free position of each bucket. A diff stages its changes of
// positions; they take effect with commit, once the records are stored.
type order struct {
	seq    map[string]map[string]uint64
	next   map[string]uint64
	staged []func()
}

func (o *order) commit() {
	for _, f := range o.staged {
		f()
	}
	o.staged = nil
}

func (o *order) discard() { o.staged = nil }

func (o *order) stageSet(bucket, key string, seq uint64) {
	o.staged = append(o.staged, func() { o.set(bucket, key, seq) })
}

func (o *order) stageDelete(bucket, key string) {
	o.staged = append(o.staged, func() { delete(o.seq[bucket], key) })
}

func newOrder() *order {
	return &order{seq: map[string]map[string]uint64{}, next: map[string]uint64{}}
}

func (o *order) set(bucket, key string, seq uint64) {
	m := o.seq[bucket]
	if m == nil {
		m = map[string]uint64{}
		o.seq[bucket] = m
	}
	m[key] = seq
	if seq >= o.next[bucket] {
		o.next[bucket] = seq + 1
	}
}

func (o *order) alloc(bucket string) uint64 {
	n := o.next[bucket]
	o.next[bucket] = n + 1
	return n
}

// diff returns the records that turn old into cur, and updates ord to the
// positions they give. old is nil for a state stored from scratch.
func diff(old, cur *State, ord *order) ([]Record, error) {
	var out []Record
	put := func(bucket, key string, seq uint64, v any) error {
		b, err := value(seq, v)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", bucket, key, err)
		}
		out = append(out, Record{Bucket: bucket, Key: key, Value: b})
		return nil
	}
	var oldFile reflect.Value
	if old != nil {
		oldFile = reflect.ValueOf(&old.File).Elem()
	}
	newFile := reflect.ValueOf(&cur.File).Elem()
	for _, s := range sections {
		nv := newFile.Field(s.field)
		if !s.list {
			if old != nil && reflect.DeepEqual(oldFile.Field(s.field).Interface(), nv.Interface()) {
				continue
			}
			if nv.IsZero() {
				if old != nil {
					out = append(out, Record{Bucket: bucketNetwork, Key: s.name})
				}
				continue
			}
			if err := put(bucketNetwork, s.name, 0, nv.Interface()); err != nil {
				return nil, err
			}
			continue
		}
		var ov reflect.Value
		if old != nil {
			ov = oldFile.Field(s.field)
		}
		if err := diffList(s, ov, nv, ord, put, &out); err != nil {
			return nil, err
		}
	}
	var om Meta
	if old != nil {
		om = old.Meta
	}
	if err := diffMap(bucketObjects, om.Objects, cur.Meta.Objects, put, &out); err != nil {
		return nil, err
	}
	if err := diffMap(bucketAssocs, om.Assocs, cur.Meta.Assocs, put, &out); err != nil {
		return nil, err
	}
	var oc, nc reflect.Value
	if old != nil {
		oc = reflect.ValueOf(old.Meta.Changes)
	}
	nc = reflect.ValueOf(cur.Meta.Changes)
	chg := section{name: "changes", bucket: bucketChanges, list: true, idx: 0}
	if err := diffList(chg, oc, nc, ord, put, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func diffList(s section, ov, nv reflect.Value, ord *order, put func(string, string, uint64, any) error, out *[]Record) error {
	nk := s.keys(nv)
	var ok []string
	if ov.IsValid() {
		ok = s.keys(ov)
	}
	seqs := ord.seq[s.bucket]
	// The common case: the same resources in the same order.
	if slices.Equal(ok, nk) {
		for i, k := range nk {
			if !reflect.DeepEqual(ov.Index(i).Interface(), nv.Index(i).Interface()) {
				if err := put(s.bucket, k, seqs[k], nv.Index(i).Interface()); err != nil {
					return err
				}
			}
		}
		return nil
	}
	oldPos := make(map[string]int, len(ok))
	for i, k := range ok {
		oldPos[k] = i
	}
	newSet := make(map[string]bool, len(nk))
	// Do the kept resources keep their order, with new ones only after
	// them? Then only the changed and the new are written.
	inOrder, last, seenNew := true, -1, false
	for _, k := range nk {
		newSet[k] = true
		p, kept := oldPos[k]
		switch {
		case !kept:
			seenNew = true
		case seenNew || p < last:
			inOrder = false
		default:
			last = p
		}
	}
	for _, k := range ok {
		if !newSet[k] {
			*out = append(*out, Record{Bucket: s.bucket, Key: k})
			ord.stageDelete(s.bucket, k)
		}
	}
	for i, k := range nk {
		p, kept := oldPos[k]
		switch {
		case !inOrder:
			seq := ord.alloc(s.bucket)
			ord.stageSet(s.bucket, k, seq)
			if err := put(s.bucket, k, seq, nv.Index(i).Interface()); err != nil {
				return err
			}
		case !kept:
			seq := ord.alloc(s.bucket)
			ord.stageSet(s.bucket, k, seq)
			if err := put(s.bucket, k, seq, nv.Index(i).Interface()); err != nil {
				return err
			}
		case !reflect.DeepEqual(ov.Index(p).Interface(), nv.Index(i).Interface()):
			if err := put(s.bucket, k, seqs[k], nv.Index(i).Interface()); err != nil {
				return err
			}
		}
	}
	return nil
}

func diffMap[V any](bucket string, old, cur map[string]V, put func(string, string, uint64, any) error, out *[]Record) error {
	for k, v := range cur {
		if o, ok := old[k]; ok && reflect.DeepEqual(o, v) {
			continue
		}
		if err := put(bucket, k, 0, v); err != nil {
			return err
		}
	}
	for k := range old {
		if _, ok := cur[k]; !ok {
			*out = append(*out, Record{Bucket: bucket, Key: k})
		}
	}
	return nil
}

// decodeState rebuilds a State from every stored record, and the order of
// its lists.
func decodeState(recs []Record) (*State, *order, error) {
	st := &State{Meta: Meta{Objects: map[string]*Object{}, Assocs: map[string]*Assoc{}}}
	ord := newOrder()
	type elem struct {
		seq  uint64
		data []byte
	}
	lists := map[string][]elem{}
	for _, r := range recs {
		seq, data, err := splitValue(r.Value)
		if err != nil {
			return nil, nil, fmt.Errorf("decode %s %s: %w", r.Bucket, r.Key, err)
		}
		switch r.Bucket {
		case bucketObjects:
			var o Object
			if err := json.Unmarshal(data, &o); err != nil {
				return nil, nil, fmt.Errorf("decode %s %s: %w", r.Bucket, r.Key, err)
			}
			st.Meta.Objects[r.Key] = &o
		case bucketAssocs:
			var a Assoc
			if err := json.Unmarshal(data, &a); err != nil {
				return nil, nil, fmt.Errorf("decode %s %s: %w", r.Bucket, r.Key, err)
			}
			st.Meta.Assocs[r.Key] = &a
		case bucketNetwork:
			if r.Key == formatKey {
				if string(data) != strconv.Itoa(recordFormat) {
					return nil, nil, fmt.Errorf("decode %s %s: format %s, want %d", r.Bucket, r.Key, data, recordFormat)
				}
				continue
			}
			s, ok := sectionNamed(r.Key)
			if !ok || s.list {
				return nil, nil, fmt.Errorf("decode %s %s: not a key of network.yaml", r.Bucket, r.Key)
			}
			f := reflect.ValueOf(&st.File).Elem().Field(s.field)
			if err := json.Unmarshal(data, f.Addr().Interface()); err != nil {
				return nil, nil, fmt.Errorf("decode %s %s: %w", r.Bucket, r.Key, err)
			}
		default:
			ord.set(r.Bucket, r.Key, seq)
			lists[r.Bucket] = append(lists[r.Bucket], elem{seq, data})
		}
	}
	for bucket, es := range lists {
		slices.SortFunc(es, func(a, b elem) int { return cmp.Compare(a.seq, b.seq) })
		var target reflect.Value
		if bucket == bucketChanges {
			target = reflect.ValueOf(&st.Meta.Changes).Elem()
		} else {
			s, ok := sectionNamed(strings.TrimPrefix(bucket, sectionPrefix))
			if !ok || !s.list || !strings.HasPrefix(bucket, sectionPrefix) {
				return nil, nil, fmt.Errorf("decode bucket %s: not a list of network.yaml", bucket)
			}
			target = reflect.ValueOf(&st.File).Elem().Field(s.field)
		}
		list := reflect.MakeSlice(target.Type(), len(es), len(es))
		for i, e := range es {
			if err := json.Unmarshal(e.data, list.Index(i).Addr().Interface()); err != nil {
				return nil, nil, fmt.Errorf("decode %s: %w", bucket, err)
			}
		}
		target.Set(list)
	}
	return st, ord, nil
}

func sectionNamed(name string) (section, bool) {
	for _, s := range sections {
		if s.name == name {
			return s, true
		}
	}
	return section{}, false
}

// Decode returns the network file held by a backend's records.
func Decode(recs []Record) (*config.File, error) {
	st, _, err := decodeState(recs)
	if err != nil {
		return nil, err
	}
	return &st.File, nil
}
