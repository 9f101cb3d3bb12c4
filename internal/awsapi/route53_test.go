package awsapi_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	"github.com/miekg/dns"
)

func record(action r53types.ChangeAction, name string, typ r53types.RRType, ttl int64, values ...string) r53types.Change {
	rs := &r53types.ResourceRecordSet{Name: aws.String(name), Type: typ, TTL: aws.Int64(ttl)}
	for _, v := range values {
		rs.ResourceRecords = append(rs.ResourceRecords, r53types.ResourceRecord{Value: aws.String(v)})
	}
	return r53types.Change{Action: action, ResourceRecordSet: rs}
}

func TestPrivateHostedZones(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	other := *must[*ec2.CreateVpcOutput](t)(e.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.1.0.0/16")})).Vpc.VpcId

	z := must[*route53.CreateHostedZoneOutput](t)(e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{
		Name: aws.String("internal.example"), CallerReference: aws.String("zone-1"),
		VPC:              &r53types.VPC{VPCId: &n.vpc, VPCRegion: r53types.VPCRegionUsEast1},
		HostedZoneConfig: &r53types.HostedZoneConfig{Comment: aws.String("app zone"), PrivateZone: true}}))
	if !regexp.MustCompile(`^/hostedzone/Z[0-9A-Z]{13,21}$`).MatchString(*z.HostedZone.Id) || *z.HostedZone.Name != "internal.example." ||
		!z.HostedZone.Config.PrivateZone || *z.HostedZone.Config.Comment != "app zone" || *z.HostedZone.ResourceRecordSetCount != 2 {
		t.Errorf("hosted zone %+v", z.HostedZone)
	}
	if z.ChangeInfo.Status != r53types.ChangeStatusPending || !strings.HasPrefix(*z.ChangeInfo.Id, "/change/C") || !strings.HasSuffix(*z.Location, *z.HostedZone.Id) {
		t.Errorf("change %+v location %v", z.ChangeInfo, *z.Location)
	}
	id := z.HostedZone.Id

	_, err := e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("other.example"), CallerReference: aws.String("zone-1"),
		VPC: &r53types.VPC{VPCId: &n.vpc, VPCRegion: r53types.VPCRegionUsEast1}})
	if code := apiCode(t, err); code != "HostedZoneAlreadyExists" {
		t.Errorf("same caller reference: %v", err)
	}
	_, err = e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("internal.example"), CallerReference: aws.String("zone-2"),
		VPC: &r53types.VPC{VPCId: &n.vpc, VPCRegion: r53types.VPCRegionUsEast1}})
	if code := apiCode(t, err); code != "ConflictingDomainExists" {
		t.Errorf("same name in the same VPC: %v", err)
	}
	_, err = e.r53.CreateHostedZone(ctx, &route53.CreateHostedZoneInput{Name: aws.String("x.example"), CallerReference: aws.String("zone-3"),
		VPC: &r53types.VPC{VPCId: aws.String("vpc-00000000000000000"), VPCRegion: r53types.VPCRegionUsEast1}})
	if code := apiCode(t, err); code != "InvalidVPCId" {
		t.Errorf("unknown VPC: %v", err)
	}

	change := func(changes ...r53types.Change) (*route53.ChangeResourceRecordSetsOutput, error) {
		return e.r53.ChangeResourceRecordSets(ctx, &route53.ChangeResourceRecordSetsInput{HostedZoneId: id,
			ChangeBatch: &r53types.ChangeBatch{Changes: changes}})
	}
	c := must[*route53.ChangeResourceRecordSetsOutput](t)(change(
		record(r53types.ChangeActionCreate, "db.internal.example", r53types.RRTypeA, 300, "10.0.1.20"),
		record(r53types.ChangeActionCreate, "www.internal.example.", r53types.RRTypeCname, 60, "db.internal.example"),
		record(r53types.ChangeActionCreate, "*.apps.internal.example.", r53types.RRTypeTxt, 60, `"hello world"`)))
	e.synced()
	got := must[*route53.GetChangeOutput](t)(e.r53.GetChange(ctx, &route53.GetChangeInput{Id: c.ChangeInfo.Id}))
	if got.ChangeInfo.Status != r53types.ChangeStatusInsync {
		t.Errorf("change %+v", got.ChangeInfo)
	}
	_, err = change(record(r53types.ChangeActionCreate, "db.internal.example", r53types.RRTypeA, 300, "10.0.1.21"))
	var icb *r53types.InvalidChangeBatch
	if !asError(err, &icb) || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("create twice: %v", err)
	}
	_, err = change(record(r53types.ChangeActionDelete, "db.internal.example", r53types.RRTypeA, 300, "10.9.9.9"))
	if code := apiCode(t, err); code != "InvalidChangeBatch" || !strings.Contains(err.Error(), "do not match") {
		t.Errorf("delete with other values: %v", err)
	}
	_, err = change(record(r53types.ChangeActionCreate, "db.elsewhere.example", r53types.RRTypeA, 300, "10.0.1.21"))
	if code := apiCode(t, err); code != "InvalidChangeBatch" {
		t.Errorf("record outside the zone: %v", err)
	}
	must[*route53.ChangeResourceRecordSetsOutput](t)(change(record(r53types.ChangeActionUpsert, "db.internal.example", r53types.RRTypeA, 120, "10.0.1.20", "10.0.1.21")))

	sets := must[*route53.ListResourceRecordSetsOutput](t)(e.r53.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: id}))
	var names []string
	for _, s := range sets.ResourceRecordSets {
		names = append(names, *s.Name+" "+string(s.Type))
	}
	want := []string{"internal.example. NS", "internal.example. SOA", `\052.apps.internal.example. TXT`, "db.internal.example. A", "www.internal.example. CNAME"}
	if !slices.Equal(names, want) {
		t.Errorf("record sets %q, want %q", names, want)
	}
	paged := must[*route53.ListResourceRecordSetsOutput](t)(e.r53.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: id, MaxItems: aws.Int32(2)}))
	if !paged.IsTruncated || *paged.NextRecordName != `\052.apps.internal.example.` || paged.NextRecordType != r53types.RRTypeTxt {
		t.Errorf("page of 2: truncated %v next %v %v", paged.IsTruncated, aws.ToString(paged.NextRecordName), paged.NextRecordType)
	}
	rest := must[*route53.ListResourceRecordSetsOutput](t)(e.r53.ListResourceRecordSets(ctx, &route53.ListResourceRecordSetsInput{HostedZoneId: id,
		StartRecordName: paged.NextRecordName, StartRecordType: paged.NextRecordType}))
	if len(rest.ResourceRecordSets) != 3 {
		t.Errorf("second page has %d sets, want 3", len(rest.ResourceRecordSets))
	}

	// The network's zone answers what the API wrote.
	zone := e.store.Network().HostedZones[0]
	var a []string
	for _, rr := range zone.Records {
		if x, ok := rr.(*dns.A); ok && x.Hdr.Name == "db.internal.example." {
			a = append(a, x.A.String())
		}
	}
	if !slices.Equal(a, []string{"10.0.1.20", "10.0.1.21"}) {
		t.Errorf("zone A records %v", a)
	}

	_, err = e.r53.DeleteHostedZone(ctx, &route53.DeleteHostedZoneInput{Id: id})
	if code := apiCode(t, err); code != "HostedZoneNotEmpty" {
		t.Errorf("delete non-empty zone: %v", err)
	}

	// VPC associations.
	must[*route53.AssociateVPCWithHostedZoneOutput](t)(e.r53.AssociateVPCWithHostedZone(ctx, &route53.AssociateVPCWithHostedZoneInput{
		HostedZoneId: id, VPC: &r53types.VPC{VPCId: &other, VPCRegion: r53types.VPCRegionUsEast1}}))
	byVPC := must[*route53.ListHostedZonesByVPCOutput](t)(e.r53.ListHostedZonesByVPC(ctx, &route53.ListHostedZonesByVPCInput{VPCId: &other, VPCRegion: r53types.VPCRegionUsEast1}))
	if len(byVPC.HostedZoneSummaries) != 1 || "/hostedzone/"+*byVPC.HostedZoneSummaries[0].HostedZoneId != *id || *byVPC.HostedZoneSummaries[0].Owner.OwningAccount != "000000000000" {
		t.Errorf("zones by VPC %+v", byVPC.HostedZoneSummaries)
	}
	hz := must[*route53.GetHostedZoneOutput](t)(e.r53.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: id}))
	if len(hz.VPCs) != 2 {
		t.Errorf("zone VPCs %+v", hz.VPCs)
	}
	must[*route53.DisassociateVPCFromHostedZoneOutput](t)(e.r53.DisassociateVPCFromHostedZone(ctx, &route53.DisassociateVPCFromHostedZoneInput{
		HostedZoneId: id, VPC: &r53types.VPC{VPCId: &other, VPCRegion: r53types.VPCRegionUsEast1}}))
	_, err = e.r53.DisassociateVPCFromHostedZone(ctx, &route53.DisassociateVPCFromHostedZoneInput{
		HostedZoneId: id, VPC: &r53types.VPC{VPCId: &other, VPCRegion: r53types.VPCRegionUsEast1}})
	if code := apiCode(t, err); code != "VPCAssociationNotFound" {
		t.Errorf("disassociate twice: %v", err)
	}
	_, err = e.r53.DisassociateVPCFromHostedZone(ctx, &route53.DisassociateVPCFromHostedZoneInput{
		HostedZoneId: id, VPC: &r53types.VPC{VPCId: &n.vpc, VPCRegion: r53types.VPCRegionUsEast1}})
	if code := apiCode(t, err); code != "LastVPCAssociation" {
		t.Errorf("disassociate the last VPC: %v", err)
	}

	// Empty it, then delete it.
	must[*route53.ChangeResourceRecordSetsOutput](t)(change(
		record(r53types.ChangeActionDelete, "db.internal.example", r53types.RRTypeA, 120, "10.0.1.21", "10.0.1.20"),
		record(r53types.ChangeActionDelete, "www.internal.example", r53types.RRTypeCname, 60, "DB.internal.example."),
		record(r53types.ChangeActionDelete, `\052.apps.internal.example`, r53types.RRTypeTxt, 60, `"hello world"`)))
	must[*route53.DeleteHostedZoneOutput](t)(e.r53.DeleteHostedZone(ctx, &route53.DeleteHostedZoneInput{Id: id}))
	_, err = e.r53.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: id})
	if code := apiCode(t, err); code != "NoSuchHostedZone" {
		t.Errorf("deleted zone: %v", err)
	}
	list := must[*route53.ListHostedZonesOutput](t)(e.r53.ListHostedZones(ctx, &route53.ListHostedZonesInput{}))
	if len(list.HostedZones) != 0 {
		t.Errorf("zones after delete: %+v", list.HostedZones)
	}
}
