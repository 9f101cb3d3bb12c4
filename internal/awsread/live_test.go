package awsread

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go/middleware"
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

// TestEveryCallIsSent: the live source sends each call of the table as
// its own operation to the service the IAM policy names, so that the
// policy (Actions, minus sts:AssumeRole, which --role-arn sends) is
// exactly what a live import may send. TestImportFromMoto proves the
// converse on a real import: nothing outside the policy is sent.
func TestEveryCallIsSent(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest) // no answer: only the operation sent matters
	}))
	defer srv.Close()
	var mu sync.Mutex
	sent := map[string]bool{}
	prefix := map[string]string{"EC2": "ec2", "Route 53": "route53", "Route53Resolver": "route53resolver", "Route53Profiles": "route53profiles",
		"Direct Connect": "directconnect", "STS": "sts"}
	cfg := aws.Config{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: aws.AnonymousCredentials{},
		Retryer: func() aws.Retryer { return aws.NopRetryer{} },
		APIOptions: []func(*middleware.Stack) error{func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("record", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				mu.Lock()
				sent[prefix[middleware.GetServiceID(ctx)]+":"+middleware.GetOperationName(ctx)] = true
				mu.Unlock()
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
		}},
	}
	s := newLiveSource(cfg)
	for _, c := range Calls() {
		err := s.pages(context.Background(), c, key{ID: "id-1", Rest: []string{"eni-1"}}, func([]byte) error { return nil })
		if err == nil {
			t.Errorf("%s: no error from an endpoint that answers nothing", c.Name("id-1"))
		}
	}
	var got []string
	for a := range sent {
		got = append(got, a)
	}
	slices.Sort(got)
	want := slices.DeleteFunc(Actions(), func(a string) bool { return a == "sts:AssumeRole" })
	if !slices.Equal(got, want) {
		t.Errorf("operations sent:\n%v\nthe policy's actions:\n%v", got, want)
	}
}
