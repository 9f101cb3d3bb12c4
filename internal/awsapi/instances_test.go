package awsapi_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/miekg/dns"

	"github.com/vpcdns/vpcdns/internal/view"
)

var instanceID = regexp.MustCompile(`^i-[0-9a-f]{17}$`)

// RunInstances puts instances in the network (vpcs[].instances), so the
// VPC resolver answers their EC2 names at once; TerminateInstances takes
// them out, and they stay listed as terminated.
func TestInstances(t *testing.T) {
	e := newEnv(t, envOpts{})
	n := buildNetwork(t, e)
	rec := recordEC2(e)

	// One instance at a given address, two at the first free ones.
	one := must[*ec2.RunInstancesOutput](t)(e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"),
		InstanceType: ec2types.InstanceTypeT3Micro, MinCount: aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: &n.subnetA,
		PrivateIpAddress: aws.String("10.0.1.5"), SecurityGroupIds: []string{n.sg},
		// The volume's tags are accepted and dropped (vpcdns has no volumes).
		TagSpecifications: append(tags(ec2types.ResourceTypeInstance, "Name", "app1"), tags(ec2types.ResourceTypeVolume, "Name", "disk")...)}))
	app1 := one.Instances[0]
	if !instanceID.MatchString(*app1.InstanceId) || *app1.PrivateIpAddress != "10.0.1.5" || *app1.PrivateDnsName != "ip-10-0-1-5.ec2.internal" ||
		app1.State.Name != ec2types.InstanceStateNameRunning || *app1.State.Code != 16 || *app1.SubnetId != n.subnetA || *app1.VpcId != n.vpc ||
		app1.InstanceType != ec2types.InstanceTypeT3Micro || *app1.Placement.AvailabilityZone != "us-east-1a" ||
		len(app1.SecurityGroups) != 1 || *app1.SecurityGroups[0].GroupId != n.sg || *app1.SecurityGroups[0].GroupName != "resolver-out" ||
		len(app1.Tags) != 1 || *app1.Tags[0].Value != "app1" || !strings.HasPrefix(*one.ReservationId, "r-") || *one.OwnerId == "" {
		t.Errorf("instance %+v of reservation %s", app1, *one.ReservationId)
	}
	two := must[*ec2.RunInstancesOutput](t)(e.ec2.RunInstances(ctx, &ec2.RunInstancesInput{ImageId: aws.String("ami-0abcdef1234567890"),
		MinCount: aws.Int32(1), MaxCount: aws.Int32(2), SubnetId: &n.subnetB}))
	if len(two.Instances) != 2 || *two.Instances[0].PrivateIpAddress != "10.0.2.4" || *two.Instances[1].PrivateIpAddress != "10.0.2.5" ||
		*two.Instances[1].AmiLaunchIndex != 1 || two.Instances[0].InstanceType != "m1.small" || len(two.Instances[0].SecurityGroups) != 1 {
		t.Errorf("two instances %+v", two.Instances)
	}

	// DNS answers the instance's name and its address's name, from the
	// network the API holds.
	v, err := view.Compile(e.store.Network())
	if err != nil {
		t.Fatal(err)
	}
	name := *app1.InstanceId + ".ec2.internal"
	if a := explainJSONOne(t, v, n.vpc, name, dns.TypeA); !strings.Contains(a, `"rcode":"NOERROR"`) || !strings.Contains(a, "10.0.1.5") {
		t.Errorf("explain %s: %s", name, a)
	}

	// Describe: by id, by filter, grouped by reservation.
	all := must[*ec2.DescribeInstancesOutput](t)(e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})).Reservations
	if len(all) != 2 {
		t.Errorf("reservations %+v", all)
	}
	byIP := must[*ec2.DescribeInstancesOutput](t)(e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{
		Filters: []ec2types.Filter{filter("private-ip-address", "10.0.1.5"), filter("tag:Name", "app1")}})).Reservations
	if len(byIP) != 1 || len(byIP[0].Instances) != 1 || *byIP[0].Instances[0].InstanceId != *app1.InstanceId || *byIP[0].ReservationId != *one.ReservationId {
		t.Errorf("by address %+v", byIP)
	}

	for _, tc := range []struct {
		name string
		in   ec2.RunInstancesInput
		code string
	}{
		{"address in use", ec2.RunInstancesInput{SubnetId: &n.subnetA, PrivateIpAddress: aws.String("10.0.1.5")}, "InvalidIPAddress.InUse"},
		{"address outside the subnet", ec2.RunInstancesInput{SubnetId: &n.subnetA, PrivateIpAddress: aws.String("10.0.2.9")}, "InvalidParameterValue"},
		{"address reserved by AWS", ec2.RunInstancesInput{SubnetId: &n.subnetA, PrivateIpAddress: aws.String("10.0.1.1")}, "InvalidParameterValue"},
		{"no subnet (no default VPC)", ec2.RunInstancesInput{}, "VPCIdNotSpecified"},
		{"unknown subnet", ec2.RunInstancesInput{SubnetId: aws.String("subnet-0000000000000000a")}, "InvalidSubnetID.NotFound"},
		{"unknown group", ec2.RunInstancesInput{SubnetId: &n.subnetA, SecurityGroupIds: []string{"sg-0000000000000000a"}}, "InvalidGroup.NotFound"},
		{"one address, two instances", ec2.RunInstancesInput{SubnetId: &n.subnetA, PrivateIpAddress: aws.String("10.0.1.9"), MaxCount: aws.Int32(2)}, "InvalidParameterValue"},
		{"no image", ec2.RunInstancesInput{SubnetId: &n.subnetA, ImageId: aws.String("")}, "MissingParameter"},
		{"tags of a type RunInstances does not create", ec2.RunInstancesInput{SubnetId: &n.subnetA, TagSpecifications: tags(ec2types.ResourceTypeVpc, "Name", "x")}, "InvalidParameterValue"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			if in.ImageId == nil {
				in.ImageId = aws.String("ami-0abcdef1234567890")
			}
			in.MinCount = aws.Int32(1)
			if in.MaxCount == nil {
				in.MaxCount = aws.Int32(1)
			}
			_, err := e.ec2.RunInstances(ctx, &in)
			if code := apiCode(t, err); code != tc.code {
				t.Errorf("%v, want %s", err, tc.code)
			}
		})
	}

	// A subnet with an instance cannot be deleted; terminated, it can.
	_, err = e.ec2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: &n.subnetB})
	if code := apiCode(t, err); code != "DependencyViolation" {
		t.Errorf("delete a subnet with instances: %v", err)
	}
	ids := []string{*two.Instances[0].InstanceId, *two.Instances[1].InstanceId}
	term := must[*ec2.TerminateInstancesOutput](t)(e.ec2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids}))
	if len(term.TerminatingInstances) != 2 || term.TerminatingInstances[0].CurrentState.Name != ec2types.InstanceStateNameShuttingDown ||
		term.TerminatingInstances[0].PreviousState.Name != ec2types.InstanceStateNameRunning {
		t.Errorf("terminate %+v", term.TerminatingInstances)
	}
	for _, v := range e.store.Network().VPCs {
		for _, in := range v.Instances {
			if slices.Contains(ids, in.ID) {
				t.Errorf("terminated instance %s is still in the network", in.ID)
			}
		}
	}
	gone := must[*ec2.DescribeInstancesOutput](t)(e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: ids[:1]})).Reservations
	if len(gone) != 1 || gone[0].Instances[0].State.Name != ec2types.InstanceStateNameTerminated {
		t.Errorf("terminated instance %+v", gone)
	}
	running := must[*ec2.DescribeInstancesOutput](t)(e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{
		Filters: []ec2types.Filter{filter("instance-state-name", "running")}})).Reservations
	if len(running) != 1 || *running[0].Instances[0].InstanceId != *app1.InstanceId {
		t.Errorf("running instances %+v", running)
	}
	again := must[*ec2.TerminateInstancesOutput](t)(e.ec2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids[:1]}))
	if again.TerminatingInstances[0].CurrentState.Name != ec2types.InstanceStateNameTerminated {
		t.Errorf("terminate twice %+v", again.TerminatingInstances)
	}
	must[*ec2.DeleteSubnetOutput](t)(e.ec2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: &n.subnetB}))
	_, err = e.ec2.TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: []string{"i-0000000000000000a"}})
	if code := apiCode(t, err); code != "InvalidInstanceID.NotFound" {
		t.Errorf("terminate an unknown instance: %v", err)
	}
	_, err = e.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: []string{"i-0000000000000000a"}})
	if code := apiCode(t, err); code != "InvalidInstanceID.NotFound" {
		t.Errorf("describe an unknown instance: %v", err)
	}
	checkRecorded(t, rec, []string{"RunInstances", "DescribeInstances", "TerminateInstances"})
}

// explainJSONOne is `vpcdns explain -o json` of one query on one network.
func explainJSONOne(t *testing.T, v *view.View, vpc, name string, qtype uint16) string {
	t.Helper()
	a, _ := explainJSON(t, v, v, vpc, name, qtype)
	return a
}
