package awsread

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/directconnect"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/route53"
	"github.com/aws/aws-sdk-go-v2/service/route53profiles"
	"github.com/aws/aws-sdk-go-v2/service/route53resolver"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// Options of a live import.
type Options struct {
	Region string
	// Profiles are shared-config profiles, each read as one account; none
	// means the default credential chain.
	Profiles    []string
	EndpointURL string
	// RoleARNs are assumed (STS AssumeRole) with the first account's credentials,
	// each read as one more account.
	RoleARNs []string
	// Concurrency bounds the calls in flight per account [8].
	Concurrency int
	// Progress, when set, is told (from several goroutines, one at a time)
	// how many resources of each kind were read so far, each time a page
	// arrives or a call finishes.
	Progress func(account string, kinds []KindCount)
	// OnCall, when set, is told of every operation sent (tests record them
	// to prove import calls nothing outside its IAM policy).
	OnCall func(service, operation string)
	// MaxAttempts of the SDK's adaptive retryer [10].
	MaxAttempts int
	// MaxBackoff bounds the wait between two attempts [the SDK's, 20s].
	MaxBackoff time.Duration
}

// Read reads the accounts live with the AWS SDK.
func Read(ctx context.Context, o Options) (*Result, error) {
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	var loadOpts []func(*awsconfig.LoadOptions) error
	if o.Region != "" {
		loadOpts = append(loadOpts, awsconfig.WithRegion(o.Region))
	}
	loadOpts = append(loadOpts, awsconfig.WithRetryer(func() aws.Retryer {
		return retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
			ao.StandardOptions = append(ao.StandardOptions, func(so *retry.StandardOptions) {
				so.MaxAttempts = o.MaxAttempts
				if o.MaxBackoff > 0 {
					so.MaxBackoff = o.MaxBackoff
				}
			})
		})
	}))
	if o.EndpointURL != "" {
		loadOpts = append(loadOpts, awsconfig.WithBaseEndpoint(o.EndpointURL))
	}
	if o.OnCall != nil {
		loadOpts = append(loadOpts, awsconfig.WithAPIOptions([]func(*middleware.Stack) error{func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("vpcdnsRecordCall",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					o.OnCall(middleware.GetServiceID(ctx), middleware.GetOperationName(ctx))
					return next.HandleInitialize(ctx, in)
				}), middleware.After)
		}}))
	}
	profiles := o.Profiles
	if len(profiles) == 0 {
		profiles = []string{""}
	}
	var cfgs []aws.Config
	var labels []string
	for _, p := range profiles {
		opts := loadOpts
		label := "base credentials"
		if p != "" {
			opts = append(append([]func(*awsconfig.LoadOptions) error(nil), loadOpts...), awsconfig.WithSharedConfigProfile(p))
			label = "profile " + p
		}
		c, err := awsconfig.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("import: load aws configuration (%s): %w: %w", label, errUnusable, err)
		}
		if c.Region == "" {
			c.Region = "us-east-1"
		}
		cfgs, labels = append(cfgs, c), append(labels, label)
	}
	cfg := cfgs[0]
	base := sts.NewFromConfig(cfg)
	for i, arn := range o.RoleARNs {
		c := cfg.Copy()
		c.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(base, arn, func(ao *stscreds.AssumeRoleOptions) {
			ao.RoleSessionName = fmt.Sprintf("vpcdns-import-%d", i+1)
		}))
		cfgs, labels = append(cfgs, c), append(labels, arn)
	}
	var accts []*account
	var failures []Failure
	calls := 0
	var firstErr error
	for i, c := range cfgs {
		src := newLiveSource(c)
		label := labels[i]
		var tr *tracker
		if o.Progress != nil {
			tr = newTracker(func(k []KindCount) { o.Progress(label, k) })
		}
		a, fl, _, err := readAccount(ctx, src, o.Concurrency, true, tr)
		calls += int(src.calls.Load())
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if firstErr == nil {
				firstErr = fmt.Errorf("%s: %w", label, err)
			}
			failures = append(failures, Failure{Call: "sts:GetCallerIdentity", Account: label, Code: "Unusable", Msg: err.Error()})
			continue
		}
		accts = append(accts, a)
		failures = append(failures, fl...)
	}
	if len(accts) == 0 {
		return nil, fmt.Errorf("import: %w", firstErr)
	}
	return build(cfg.Region, accts, failures, calls), nil
}

// IsUnusable reports whether err means that nothing could be read.
func IsUnusable(err error) bool { return errors.Is(err, errUnusable) }

type liveSource struct {
	ec2      *ec2.Client
	r53      *route53.Client
	resolver *route53resolver.Client
	profiles *route53profiles.Client
	dx       *directconnect.Client
	sts      *sts.Client
	calls    atomic.Int64
}

func newLiveSource(cfg aws.Config) *liveSource {
	return &liveSource{
		ec2: ec2.NewFromConfig(cfg), r53: route53.NewFromConfig(cfg), resolver: route53resolver.NewFromConfig(cfg),
		profiles: route53profiles.NewFromConfig(cfg), dx: directconnect.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg),
	}
}

// pager is what the SDK's paginators have in common.
type pager[O any, Opt any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*Opt)) (O, error)
}

// drain gives every page of p, marshalled to the JSON the CLI prints, to
// page.
func drain[O any, Opt any](ctx context.Context, s *liveSource, p pager[O, Opt], page func([]byte) error) error {
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		s.calls.Add(1)
		if err != nil {
			return apiError(err)
		}
		if err := marshalPage(out, page); err != nil {
			return err
		}
	}
	return nil
}

func one[O any](s *liveSource, out O, err error, page func([]byte) error) error {
	s.calls.Add(1)
	if err != nil {
		return apiError(err)
	}
	return marshalPage(out, page)
}

func marshalPage(out any, page func([]byte) error) error {
	b, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("marshal output: %w", err)
	}
	return page(b)
}

// apiError turns an SDK error into a callError when the service answered;
// anything else (no credentials, connection refused) is returned as is.
func apiError(err error) error {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return &callError{Code: ae.ErrorCode(), Msg: ae.ErrorMessage()}
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != 0 { // 0: no answer at all
		return &callError{Code: fmt.Sprintf("HTTP%d", re.HTTPStatusCode()), Msg: "the endpoint gave no AWS answer to this operation"}
	}
	return err
}

func (s *liveSource) pages(ctx context.Context, c *call, k key, page func([]byte) error) error {
	id := aws.String(k.ID)
	switch c.Op {
	case "GetCallerIdentity":
		out, err := s.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		return one(s, out, err, page)
	case "DescribeVpcs":
		return drain(ctx, s, ec2.NewDescribeVpcsPaginator(s.ec2, &ec2.DescribeVpcsInput{}), page)
	case "DescribeVpcAttribute":
		out, err := s.ec2.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: id, Attribute: ec2types.VpcAttributeName(c.Variant)})
		return one(s, out, err, page)
	case "DescribeDhcpOptions":
		return drain(ctx, s, ec2.NewDescribeDhcpOptionsPaginator(s.ec2, &ec2.DescribeDhcpOptionsInput{}), page)
	case "DescribeSubnets":
		return drain(ctx, s, ec2.NewDescribeSubnetsPaginator(s.ec2, &ec2.DescribeSubnetsInput{}), page)
	case "DescribeRouteTables":
		return drain(ctx, s, ec2.NewDescribeRouteTablesPaginator(s.ec2, &ec2.DescribeRouteTablesInput{}), page)
	case "DescribeSecurityGroups":
		return drain(ctx, s, ec2.NewDescribeSecurityGroupsPaginator(s.ec2, &ec2.DescribeSecurityGroupsInput{}), page)
	case "DescribeNetworkAcls":
		return drain(ctx, s, ec2.NewDescribeNetworkAclsPaginator(s.ec2, &ec2.DescribeNetworkAclsInput{}), page)
	case "DescribeVpcPeeringConnections":
		return drain(ctx, s, ec2.NewDescribeVpcPeeringConnectionsPaginator(s.ec2, &ec2.DescribeVpcPeeringConnectionsInput{}), page)
	case "DescribeTransitGateways":
		return drain(ctx, s, ec2.NewDescribeTransitGatewaysPaginator(s.ec2, &ec2.DescribeTransitGatewaysInput{}), page)
	case "DescribeTransitGatewayAttachments":
		return drain(ctx, s, ec2.NewDescribeTransitGatewayAttachmentsPaginator(s.ec2, &ec2.DescribeTransitGatewayAttachmentsInput{}), page)
	case "DescribeTransitGatewayRouteTables":
		return drain(ctx, s, ec2.NewDescribeTransitGatewayRouteTablesPaginator(s.ec2, &ec2.DescribeTransitGatewayRouteTablesInput{}), page)
	case "GetTransitGatewayRouteTablePropagations":
		return drain(ctx, s, ec2.NewGetTransitGatewayRouteTablePropagationsPaginator(s.ec2, &ec2.GetTransitGatewayRouteTablePropagationsInput{TransitGatewayRouteTableId: id}), page)
	case "SearchTransitGatewayRoutes":
		return drain(ctx, s, ec2.NewSearchTransitGatewayRoutesPaginator(s.ec2, &ec2.SearchTransitGatewayRoutesInput{
			TransitGatewayRouteTableId: id,
			Filters:                    []ec2types.Filter{{Name: aws.String("state"), Values: []string{"active", "blackhole"}}},
		}), page)
	case "DescribeVpnConnections":
		out, err := s.ec2.DescribeVpnConnections(ctx, &ec2.DescribeVpnConnectionsInput{})
		return one(s, out, err, page)
	case "DescribeVpnGateways":
		out, err := s.ec2.DescribeVpnGateways(ctx, &ec2.DescribeVpnGatewaysInput{})
		return one(s, out, err, page)
	case "DescribeInstances":
		// The largest answer of an account by far: each page is marshalled
		// as the members import reads (the same names, so the same decoder),
		// not as the SDK's whole Instance structs.
		// 1000 a page, the API's most (its default is to choose).
		p := ec2.NewDescribeInstancesPaginator(s.ec2, &ec2.DescribeInstancesInput{MaxResults: aws.Int32(1000)})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx, withInstancesScanner)
			s.calls.Add(1)
			if err != nil {
				return apiError(err)
			}
			if err := marshalPage(instancesPage(out), page); err != nil {
				return err
			}
		}
		return nil
	case "DescribeManagedPrefixLists":
		return drain(ctx, s, ec2.NewDescribeManagedPrefixListsPaginator(s.ec2, &ec2.DescribeManagedPrefixListsInput{}), page)
	case "GetManagedPrefixListEntries":
		return drain(ctx, s, ec2.NewGetManagedPrefixListEntriesPaginator(s.ec2, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: id}), page)
	case "DescribeVpcEndpoints":
		return drain(ctx, s, ec2.NewDescribeVpcEndpointsPaginator(s.ec2, &ec2.DescribeVpcEndpointsInput{}), page)
	case "DescribeNetworkInterfaces":
		return drain(ctx, s, ec2.NewDescribeNetworkInterfacesPaginator(s.ec2, &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: k.Rest}), page)
	case "DescribeDirectConnectGateways":
		in := &directconnect.DescribeDirectConnectGatewaysInput{}
		for {
			out, err := s.dx.DescribeDirectConnectGateways(ctx, in)
			if err := one(s, out, err, page); err != nil {
				return err
			}
			if out.NextToken == nil || *out.NextToken == "" {
				return nil
			}
			in.NextToken = out.NextToken
		}
	case "ListResolverEndpoints":
		return drain(ctx, s, route53resolver.NewListResolverEndpointsPaginator(s.resolver, &route53resolver.ListResolverEndpointsInput{}), page)
	case "ListResolverEndpointIpAddresses":
		return drain(ctx, s, route53resolver.NewListResolverEndpointIpAddressesPaginator(s.resolver, &route53resolver.ListResolverEndpointIpAddressesInput{ResolverEndpointId: id}), page)
	case "ListResolverRules":
		return drain(ctx, s, route53resolver.NewListResolverRulesPaginator(s.resolver, &route53resolver.ListResolverRulesInput{}), page)
	case "ListResolverRuleAssociations":
		return drain(ctx, s, route53resolver.NewListResolverRuleAssociationsPaginator(s.resolver, &route53resolver.ListResolverRuleAssociationsInput{}), page)
	case "ListResolverConfigs":
		return drain(ctx, s, route53resolver.NewListResolverConfigsPaginator(s.resolver, &route53resolver.ListResolverConfigsInput{}), page)
	case "ListResolverQueryLogConfigs":
		return drain(ctx, s, route53resolver.NewListResolverQueryLogConfigsPaginator(s.resolver, &route53resolver.ListResolverQueryLogConfigsInput{}), page)
	case "ListResolverQueryLogConfigAssociations":
		return drain(ctx, s, route53resolver.NewListResolverQueryLogConfigAssociationsPaginator(s.resolver, &route53resolver.ListResolverQueryLogConfigAssociationsInput{}), page)
	case "ListHostedZones":
		return drain(ctx, s, route53.NewListHostedZonesPaginator(s.r53, &route53.ListHostedZonesInput{}), page)
	case "GetHostedZone":
		out, err := s.r53.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: id})
		return one(s, out, err, page)
	case "ListResourceRecordSets":
		return drain(ctx, s, route53.NewListResourceRecordSetsPaginator(s.r53, &route53.ListResourceRecordSetsInput{HostedZoneId: id}), page)
	case "ListProfiles":
		return drain(ctx, s, route53profiles.NewListProfilesPaginator(s.profiles, &route53profiles.ListProfilesInput{}), page)
	case "ListProfileAssociations":
		return drain(ctx, s, route53profiles.NewListProfileAssociationsPaginator(s.profiles, &route53profiles.ListProfileAssociationsInput{}), page)
	case "ListProfileResourceAssociations":
		return drain(ctx, s, route53profiles.NewListProfileResourceAssociationsPaginator(s.profiles, &route53profiles.ListProfileResourceAssociationsInput{ProfileId: id}), page)
	}
	return fmt.Errorf("import: no live call for %s", strings.TrimSpace(c.Action()))
}

// reservationShape is one reservation of a DescribeInstances page.
type reservationShape struct {
	Instances []instanceShape `json:"Instances"`
}

// instancesPage is the part of a DescribeInstances page that import reads,
// with the API's member names.
func instancesPage(out *ec2.DescribeInstancesOutput) map[string][]reservationShape {
	res := make([]reservationShape, 0, len(out.Reservations))
	for _, r := range out.Reservations {
		rs := reservationShape{Instances: make([]instanceShape, 0, len(r.Instances))}
		for _, in := range r.Instances {
			is := instanceShape{InstanceId: aws.ToString(in.InstanceId), VpcId: aws.ToString(in.VpcId), PrivateIpAddress: aws.ToString(in.PrivateIpAddress)}
			if in.State != nil {
				is.State = &struct {
					Name string `json:"Name"`
				}{Name: string(in.State.Name)}
			}
			for _, t := range in.Tags {
				is.Tags = append(is.Tags, tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
			}
			for _, n := range in.NetworkInterfaces {
				e := eniShape{NetworkInterfaceId: aws.ToString(n.NetworkInterfaceId), SubnetId: aws.ToString(n.SubnetId),
					VpcId: aws.ToString(n.VpcId), PrivateIpAddress: aws.ToString(n.PrivateIpAddress)}
				for _, a := range n.PrivateIpAddresses {
					e.PrivateIpAddresses = append(e.PrivateIpAddresses, struct {
						PrivateIpAddress string `json:"PrivateIpAddress"`
						Primary          bool   `json:"Primary"`
					}{aws.ToString(a.PrivateIpAddress), aws.ToBool(a.Primary)})
				}
				for _, g := range n.Groups {
					e.Groups = append(e.Groups, struct {
						GroupId string `json:"GroupId"`
					}{aws.ToString(g.GroupId)})
				}
				if n.Attachment != nil && n.Attachment.DeviceIndex != nil {
					d := int(*n.Attachment.DeviceIndex)
					e.Attachment = &struct {
						DeviceIndex *int `json:"DeviceIndex"`
					}{&d}
				}
				is.NetworkInterfaces = append(is.NetworkInterfaces, e)
			}
			rs.Instances = append(rs.Instances, is)
		}
		res = append(res, rs)
	}
	return map[string][]reservationShape{"Reservations": res}
}
