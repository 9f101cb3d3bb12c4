package awsread

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// TestInstancesPageDecodesAsTheWholeOutput: a live DescribeInstances page,
// marshalled as the members import reads, decodes to the same instances as
// the SDK's whole output marshalled (what the CLI prints).
func TestInstancesPageDecodesAsTheWholeOutput(t *testing.T) {
	out := &ec2.DescribeInstancesOutput{Reservations: []ec2types.Reservation{
		{Instances: []ec2types.Instance{{
			InstanceId: aws.String("i-1"), VpcId: aws.String("vpc-a"), PrivateIpAddress: aws.String("10.0.1.5"),
			State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameRunning}, ImageId: aws.String("ami-1"),
			Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("web")}},
			NetworkInterfaces: []ec2types.InstanceNetworkInterface{
				{NetworkInterfaceId: aws.String("eni-2"), SubnetId: aws.String("subnet-a"), VpcId: aws.String("vpc-a"), PrivateIpAddress: aws.String("10.0.1.9"),
					Attachment: &ec2types.InstanceNetworkInterfaceAttachment{DeviceIndex: aws.Int32(1)},
					Groups:     []ec2types.GroupIdentifier{{GroupId: aws.String("sg-1")}}},
				{NetworkInterfaceId: aws.String("eni-1"), SubnetId: aws.String("subnet-a"), VpcId: aws.String("vpc-a"), PrivateIpAddress: aws.String("10.0.1.5"),
					Attachment: &ec2types.InstanceNetworkInterfaceAttachment{DeviceIndex: aws.Int32(0)},
					PrivateIpAddresses: []ec2types.InstancePrivateIpAddress{
						{PrivateIpAddress: aws.String("10.0.1.5"), Primary: aws.Bool(true)}, {PrivateIpAddress: aws.String("10.0.1.6"), Primary: aws.Bool(false)}}},
			},
		}, {InstanceId: aws.String("i-2"), State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameTerminated}}}},
		{},
	}}
	var c *call
	for _, x := range Calls() {
		if x.Op == "DescribeInstances" {
			c = x
		}
	}
	whole, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	trimmed, err := json.Marshal(instancesPage(out))
	if err != nil {
		t.Fatal(err)
	}
	want, got := newAccount(), newAccount()
	if err := c.decodePage(want, "", whole); err != nil {
		t.Fatal(err)
	}
	if err := c.decodePage(got, "", trimmed); err != nil {
		t.Fatal(err)
	}
	if len(want.instances) != 2 || !reflect.DeepEqual(got.instances, want.instances) {
		t.Errorf("trimmed page decodes to %+v, the whole output to %+v", got.instances, want.instances)
	}
	if len(trimmed) >= len(whole) {
		t.Errorf("trimmed page is %d bytes, the whole output %d", len(trimmed), len(whole))
	}
}
