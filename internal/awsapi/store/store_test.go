package store

import (
	"strconv"
	"testing"

	"github.com/vpcdns/vpcdns/internal/config"
)

// Resources that come from network.yaml get the same ids on every start.
func TestDerivedIDsAreStable(t *testing.T) {
	_, f, err := config.Example()
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open(Options{Initial: f})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Open(Options{Initial: f})
	if err != nil {
		t.Fatal(err)
	}
	sa, _ := a.Snapshot()
	sb, _ := b.Snapshot()
	if len(sa.Meta.Assocs) == 0 {
		t.Fatal("no associations recorded for the example")
	}
	for k, x := range sa.Meta.Assocs {
		if y := sb.Meta.Assocs[k]; y == nil || y.ID != x.ID {
			t.Errorf("association %s: %v then %v", k, x, y)
		}
	}
	for id, x := range sa.Meta.Objects {
		y := sb.Meta.Objects[id]
		if y == nil || y.ResolverConfig != x.ResolverConfig || y.MainRouteTable != x.MainRouteTable {
			t.Errorf("object %s: %+v then %+v", id, x, y)
		}
	}
}

func TestUpdateRejectsInvalidNetwork(t *testing.T) {
	s, err := Open(Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = s.Update(map[string]string{"cidr_blocks": "CidrBlock"}, func(tx *Tx) error {
		tx.File.VPCs = append(tx.File.VPCs, config.VPCFile{ID: "vpc-1", CIDRBlocks: []string{"10.0.0.0/33"}})
		return nil
	})
	if err == nil {
		t.Fatal("an invalid network was accepted")
	}
	if n := s.Network(); len(n.VPCs) != 0 {
		t.Errorf("the invalid change was kept: %d VPCs", len(n.VPCs))
	}
}

// A network with a large DNS Firewall list is kept as JSON text and
// reads back the same after a restart.
func TestBigFirewallStateReloads(t *testing.T) {
	dir := t.TempDir()
	domains := make([]string, bigNetwork+1)
	for i := range domains {
		domains[i] = "d" + strconv.Itoa(i) + ".example."
	}
	f := &config.File{
		VPCs:                []config.VPCFile{{ID: "vpc-a", CIDRBlocks: []string{"10.0.0.0/16"}}},
		FirewallDomainLists: []config.FirewallDomainListFile{{ID: "rslvr-fdl-big", Domains: domains}},
	}
	s, err := Open(Options{Dir: dir, Initial: f})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Update(nil, func(tx *Tx) error {
		tx.File.FirewallDomainLists[0].Name = "big"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	again, err := Open(Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	st, n := again.Snapshot()
	if !again.Loaded() || st.File.FirewallDomainLists[0].Name != "big" || len(n.Firewall.DomainLists[0].Domains) != len(domains) {
		t.Errorf("reloaded: loaded %v, list %+v with %d domains", again.Loaded(), st.File.FirewallDomainLists[0].Name, len(n.Firewall.DomainLists[0].Domains))
	}
}
