package awsapi_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
)

// TestHostedZoneCommentAndListByName covers GetHostedZoneCount,
// UpdateHostedZoneComment and ListHostedZonesByName: the comment shows in GetHostedZone; zones are
// listed in the order of their reversed labels, from DNSName on, a page of
// MaxItems at a time.
func TestHostedZoneCommentAndListByName(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	ids := map[string]string{}
	for _, name := range []string{"b.example", "z.other", "a.example"} {
		z := must[*route53.CreateHostedZoneOutput](t)(e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
			Name: aws.String(name), CallerReference: aws.String("ref-" + name),
			VPC:              &r53types.VPC{VPCId: &n.vpc, VPCRegion: r53types.VPCRegionUsEast1},
			HostedZoneConfig: &r53types.HostedZoneConfig{Comment: aws.String("first"), PrivateZone: true}}))
		ids[name+"."] = *z.HostedZone.Id
	}

	t.Run("GetHostedZoneCount", func(t *testing.T) {
		out := must[*route53.GetHostedZoneCountOutput](t)(e.r53.GetHostedZoneCount(ctx, &route53.GetHostedZoneCountInput{}))
		if aws.ToInt64(out.HostedZoneCount) != 3 || len(e.store.Network().HostedZones) != 3 {
			t.Errorf("count %d, network %d, want 3", aws.ToInt64(out.HostedZoneCount), len(e.store.Network().HostedZones))
		}
	})

	t.Run("UpdateHostedZoneComment", func(t *testing.T) {
		id := ids["a.example."]
		out := must[*route53.UpdateHostedZoneCommentOutput](t)(e.r53.UpdateHostedZoneComment(ctx, &route53.UpdateHostedZoneCommentInput{Id: &id, Comment: aws.String("second")}))
		if *out.HostedZone.Id != id || out.HostedZone.Config == nil || *out.HostedZone.Config.Comment != "second" || !out.HostedZone.Config.PrivateZone {
			t.Errorf("answer %+v", out.HostedZone)
		}
		got := must[*route53.GetHostedZoneOutput](t)(e.r53.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: &id}))
		if *got.HostedZone.Config.Comment != "second" {
			t.Errorf("GetHostedZone comment %q", *got.HostedZone.Config.Comment)
		}
		_, err := e.r53.UpdateHostedZoneComment(ctx, &route53.UpdateHostedZoneCommentInput{Id: aws.String("/hostedzone/Z0000000000000000000"), Comment: aws.String("x")})
		if code := apiCode(t, err); code != "NoSuchHostedZone" {
			t.Errorf("unknown zone: %v", err)
		}
	})

	names := func(zs []r53types.HostedZone) []string {
		var out []string
		for _, z := range zs {
			out = append(out, *z.Name)
		}
		return out
	}
	cases := []struct {
		name    string
		in      route53.ListHostedZonesByNameInput
		want    []string
		next    string // NextDNSName, "" when not truncated
		wantErr string
	}{
		{name: "all, by reversed labels", want: []string{"a.example.", "b.example.", "z.other."}},
		{name: "from a DNS name", in: route53.ListHostedZonesByNameInput{DNSName: aws.String("b.example")}, want: []string{"b.example.", "z.other."}},
		{name: "from a name between zones", in: route53.ListHostedZonesByNameInput{DNSName: aws.String("m.example")}, want: []string{"z.other."}},
		{name: "a page of one", in: route53.ListHostedZonesByNameInput{MaxItems: aws.Int32(1)}, want: []string{"a.example."}, next: "b.example."},
		{name: "after the last", in: route53.ListHostedZonesByNameInput{DNSName: aws.String("zz.other")}},
		{name: "bad name", in: route53.ListHostedZonesByNameInput{DNSName: aws.String("bad..name")}, wantErr: "InvalidDomainName"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := e.r53.ListHostedZonesByName(ctx, &c.in)
			if c.wantErr != "" {
				if code := apiCode(t, err); code != c.wantErr {
					t.Fatalf("error %v, want %s", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := names(out.HostedZones); !slices.Equal(got, c.want) {
				t.Errorf("zones %v, want %v", got, c.want)
			}
			if out.IsTruncated != (c.next != "") || aws.ToString(out.NextDNSName) != c.next {
				t.Errorf("truncated %v next %q, want next %q", out.IsTruncated, aws.ToString(out.NextDNSName), c.next)
			}
			if c.next != "" && !strings.HasSuffix(ids[c.next], aws.ToString(out.NextHostedZoneId)) {
				t.Errorf("next zone id %q, want that of %s (%s)", aws.ToString(out.NextHostedZoneId), c.next, ids[c.next])
			}
		})
	}

	// Following NextDNSName and NextHostedZoneId lists every zone once.
	var all []string
	in := &route53.ListHostedZonesByNameInput{MaxItems: aws.Int32(1)}
	for range 10 {
		out := must[*route53.ListHostedZonesByNameOutput](t)(e.r53.ListHostedZonesByName(ctx, in))
		all = append(all, names(out.HostedZones)...)
		if !out.IsTruncated {
			break
		}
		in.DNSName, in.HostedZoneId = out.NextDNSName, out.NextHostedZoneId
	}
	if !slices.Equal(all, []string{"a.example.", "b.example.", "z.other."}) {
		t.Errorf("paged through %v", all)
	}
}
