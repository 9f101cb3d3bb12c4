package ec2api

import (
	"context"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/vpcdns/vpcdns/internal/autodef"
	"github.com/vpcdns/vpcdns/internal/awsapi/apierr"
	"github.com/vpcdns/vpcdns/internal/awsapi/store"
	"github.com/vpcdns/vpcdns/internal/config"
)

// EC2 instances, as far as DNS needs them: an instance is a vpcs[].instances
// entry of network.yaml (its id and private address), so the VPC resolver
// answers its EC2 names (i-….ec2.internal, ip-a-b-c-d), its address is
// taken, ptr_records: assigned counts it, and the query log attributes its
// queries. What RunInstances was asked for beyond that (image, type,
// groups, tags, reservation) is a side record. Nothing runs: an instance is
// running at once, and terminated at once by TerminateInstances (listed as
// terminated afterwards, as AWS lists a terminated instance for a while).

const (
	prefixInstance    = "i-"
	prefixReservation = "r-"
	// maxLaunch is the most instances one RunInstances makes (AWS's
	// limit is the account's vCPU quota; a lab needs few).
	maxLaunch = 20
	// defaultInstanceType is what AWS launches when InstanceType is absent.
	defaultInstanceType = "m1.small"
)

// The instance states of EC2's InstanceState: code and name.
var (
	stateRunning      = instanceState{Code: 16, Name: "running"}
	stateShuttingDown = instanceState{Code: 32, Name: "shutting-down"}
	stateTerminated   = instanceState{Code: 48, Name: "terminated"}
)

type instanceState struct {
	Code int    `xml:"code"`
	Name string `xml:"name"`
}

type placement struct {
	AvailabilityZone string `xml:"availabilityZone,omitempty"`
	Tenancy          string `xml:"tenancy"`
}

// Instance is EC2's Instance, the members that a DNS lab has.
type Instance struct {
	InstanceId       string            `xml:"instanceId"`
	ImageId          string            `xml:"imageId,omitempty"`
	State            instanceState     `xml:"instanceState"`
	PrivateDnsName   string            `xml:"privateDnsName"`
	AmiLaunchIndex   int               `xml:"amiLaunchIndex"`
	InstanceType     string            `xml:"instanceType,omitempty"`
	LaunchTime       string            `xml:"launchTime,omitempty"`
	Placement        placement         `xml:"placement"`
	SubnetId         string            `xml:"subnetId,omitempty"`
	VpcId            string            `xml:"vpcId,omitempty"`
	PrivateIpAddress string            `xml:"privateIpAddress,omitempty"`
	ClientToken      string            `xml:"clientToken,omitempty"`
	SecurityGroups   []groupIdentifier `xml:"groupSet>item"`
	Tags             []Tag             `xml:"tagSet>item,omitempty"`
	Architecture     string            `xml:"architecture"`
	Hypervisor       string            `xml:"hypervisor"`
	RootDeviceType   string            `xml:"rootDeviceType"`
	// reservation groups the instances of one RunInstances.
	reservation string
}

// Reservation is EC2's Reservation: the instances one RunInstances made.
type Reservation struct {
	ReservationId string            `xml:"reservationId"`
	OwnerId       string            `xml:"ownerId"`
	Groups        []groupIdentifier `xml:"groupSet>item"`
	Instances     []Instance        `xml:"instancesSet>item"`
}

func instanceNotFound(id string) error {
	return apierr.New(apierr.NotFound, apierr.ResInstance, "The instance ID '%s' does not exist", id)
}

// ipName is an instance's private DNS name: ip-10-0-1-5.ec2.internal.
func ipName(region, ip string) string {
	if ip == "" {
		return ""
	}
	return "ip-" + strings.ReplaceAll(ip, ".", "-") + "." + strings.TrimSuffix(autodef.HostDomain(region).String(), ".")
}

// instanceShapes are the instances of the network and the terminated ones
// the side records keep, by id. An instance of the starting network.yaml
// has no side record of RunInstances: its subnet is the one that holds its
// address, its reservation is derived from its id.
func instanceShapes(st *store.State, n *config.Network) []Instance {
	var out []Instance
	seen := map[string]bool{}
	for _, v := range st.File.VPCs {
		for _, in := range v.Instances {
			seen[in.ID] = true
			x := Instance{InstanceId: in.ID, State: stateRunning, VpcId: v.ID, reservation: store.DerivedID(prefixReservation, "instance|"+in.ID)}
			if len(in.PrivateIPs) > 0 {
				x.PrivateIpAddress = in.PrivateIPs[0]
			}
			if s := subnetHolding(&v, x.PrivateIpAddress); s != nil {
				x.SubnetId, x.Placement.AvailabilityZone = s.ID, s.AvailabilityZone
			}
			if o := st.Meta.Objects[in.ID]; o != nil && o.Kind == store.KindInstance {
				fillInstance(&x, st, o)
			}
			out = append(out, finishInstance(x, st, n))
		}
	}
	for id, o := range st.Meta.Objects {
		if o.Kind != store.KindInstance || seen[id] || o.State != stateTerminated.Name {
			continue
		}
		x := Instance{InstanceId: id, State: stateTerminated, VpcId: o.VPC, SubnetId: o.Subnet, PrivateIpAddress: o.PrivateIP}
		fillInstance(&x, st, o)
		x.SecurityGroups = nil // a terminated instance has no groups
		out = append(out, finishInstance(x, st, n))
	}
	slices.SortFunc(out, func(a, b Instance) int { return strings.Compare(a.InstanceId, b.InstanceId) })
	return out
}

func fillInstance(x *Instance, st *store.State, o *store.Object) {
	x.ImageId, x.InstanceType, x.ClientToken, x.Tags = o.ImageID, o.InstanceType, o.CreatorRequestID, tagItems(o.Tags)
	x.LaunchTime, x.AmiLaunchIndex = isoTime(o.Created), o.LaunchIndex
	if o.Reservation != "" {
		x.reservation = o.Reservation
	}
	if o.Subnet != "" {
		x.SubnetId = o.Subnet
		if _, s := findSubnet(&st.File, o.Subnet); s != nil {
			x.Placement.AvailabilityZone = s.AvailabilityZone
		}
	}
	x.SecurityGroups = nil
	for _, g := range o.Groups {
		x.SecurityGroups = append(x.SecurityGroups, groupIdentifier{GroupId: g, GroupName: metaName(st, g)})
	}
}

func finishInstance(x Instance, st *store.State, n *config.Network) Instance {
	x.PrivateDnsName = ipName(n.Region, x.PrivateIpAddress)
	x.Placement.Tenancy = "default"
	x.Architecture, x.Hypervisor, x.RootDeviceType = "x86_64", "xen", "ebs"
	if x.InstanceType == "" {
		x.InstanceType = defaultInstanceType
	}
	return x
}

// metaName is the name a side record keeps for id ("" when none).
func metaName(st *store.State, id string) string {
	if o := st.Meta.Objects[id]; o != nil {
		return o.Name
	}
	return ""
}

// subnetHolding is the subnet of v whose CIDR holds ip.
func subnetHolding(v *config.VPCFile, ip string) *config.SubnetFile {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return nil
	}
	for i := range v.Subnets {
		if p, err := netip.ParsePrefix(v.Subnets[i].CIDRBlock); err == nil && p.Contains(a) {
			return &v.Subnets[i]
		}
	}
	return nil
}

// reservations groups instances by reservation, in the order of their
// first instance.
func reservations(items []Instance, owner string) []Reservation {
	var out []Reservation
	at := map[string]int{}
	for _, x := range items {
		i, ok := at[x.reservation]
		if !ok {
			i = len(out)
			at[x.reservation] = i
			out = append(out, Reservation{ReservationId: x.reservation, OwnerId: owner, Groups: []groupIdentifier{}})
		}
		out[i].Instances = append(out[i].Instances, x)
	}
	return out
}

// runInstances launches MaxCount instances (at least MinCount) into a
// subnet: each gets PrivateIpAddress (one instance only) or the first free
// address of the subnet, and the groups of SecurityGroupId.N (the VPC's
// default group without them).
func (h *Handler) runInstances(ctx context.Context, p params) (Reservation, error) {
	lo, err := p.optInt("MinCount")
	if err != nil {
		return Reservation{}, err
	}
	hi, err := p.optInt("MaxCount")
	if err != nil {
		return Reservation{}, err
	}
	switch {
	case lo == nil:
		return Reservation{}, apierr.Missing("MinCount")
	case hi == nil:
		return Reservation{}, apierr.Missing("MaxCount")
	case *lo < 1 || *hi < *lo:
		return Reservation{}, apierr.Param("MinCount", "Value (%d) for parameter minCount is invalid: want 1 or more, and no more than maxCount (%d)", *lo, *hi)
	case *lo > maxLaunch:
		return Reservation{}, apierr.Coded(apierr.Limit, "InstanceLimitExceeded", 400, "Your quota allows for %d more running instance(s). You requested at least %d", maxLaunch, *lo)
	}
	count := min(*hi, maxLaunch)
	image, err := p.required("ImageId")
	if err != nil {
		return Reservation{}, err
	}
	subnet := p.str("SubnetId")
	if subnet == "" {
		if p.list("NetworkInterface") != nil {
			return Reservation{}, apierr.New(apierr.Unsupported, "", "vpcdns launches instances into a subnet: give SubnetId, not NetworkInterface")
		}
		return Reservation{}, apierr.Coded(apierr.InvalidParameter, "VPCIdNotSpecified", 400, "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")
	}
	if len(p.strings("SecurityGroup")) > 0 {
		return Reservation{}, apierr.Param("SecurityGroup", "security group names are only supported in a default VPC, which vpcdns does not make: give SecurityGroupId")
	}
	ip := p.str("PrivateIpAddress")
	if ip != "" && count > 1 {
		return Reservation{}, apierr.Param("PrivateIpAddress", "Specifying a private IP address is only valid when launching one instance (maxCount %d)", *hi)
	}
	// The tags of the instance; those of its volumes and network
	// interfaces, which vpcdns does not model, are accepted and dropped.
	tags, err := tagSpecs(p, "instance", "volume", "network-interface")
	if err != nil {
		return Reservation{}, err
	}
	typ := p.str("InstanceType")
	if typ == "" {
		typ = defaultInstanceType
	}
	groups := p.strings("SecurityGroupId")
	res := store.NewID(prefixReservation)
	ids := make([]string, count)
	for i := range ids {
		ids[i] = store.NewID(prefixInstance)
	}
	st, n, err := h.Store.Update(ctx, instanceFields, func(tx *store.Tx) error {
		v, s := findSubnet(&tx.File, subnet)
		if s == nil {
			return subnetNotFound(subnet)
		}
		if len(groups) == 0 {
			if o := tx.Meta.Objects[v.ID]; o != nil && o.DefaultSG != "" && sgIndex(&tx.File, o.DefaultSG) >= 0 {
				groups = []string{o.DefaultSG}
			}
		}
		for _, g := range groups {
			i := sgIndex(&tx.File, g)
			if i < 0 {
				return sgNotFound(g)
			}
			if tx.File.SecurityGroups[i].VPC != v.ID {
				return apierr.Param("SecurityGroupId", "Security group %s and subnet %s belong to different networks.", g, subnet)
			}
		}
		var taken []string
		for i, id := range ids {
			addr := ip
			if addr == "" {
				a, err := freeAddress(tx, s.CIDRBlock, taken)
				if err != nil {
					return err
				}
				addr = a
			} else if err := checkInstanceAddress(tx, s, addr); err != nil {
				return err
			}
			taken = append(taken, addr)
			v.Instances = append(v.Instances, config.InstanceFile{ID: id, PrivateIPs: []string{addr}})
			o := object(tx, id, store.KindInstance)
			o.VPC, o.Subnet, o.PrivateIP, o.State = v.ID, s.ID, addr, stateRunning.Name
			o.ImageID, o.InstanceType, o.Groups, o.Reservation, o.LaunchIndex = image, typ, slices.Clone(groups), res, i
			o.CreatorRequestID, o.Tags = p.str("ClientToken"), tags
		}
		return nil
	})
	if err != nil {
		return Reservation{}, err
	}
	var made []Instance
	for _, x := range instanceShapes(st, n) {
		if slices.Contains(ids, x.InstanceId) {
			made = append(made, x)
		}
	}
	slices.SortFunc(made, func(a, b Instance) int { return a.AmiLaunchIndex - b.AmiLaunchIndex })
	r := Reservation{ReservationId: res, OwnerId: n.AccountID, Groups: []groupIdentifier{}, Instances: made}
	return r, nil
}

// instanceFields maps the network.yaml keys of an instance to
// RunInstances's parameters, for messages.
var instanceFields = func() map[string]string {
	m := map[string]string{"private_ips": "PrivateIpAddress", "instances": "PrivateIpAddress"}
	for k, v := range fields {
		if _, ok := m[k]; !ok {
			m[k] = v
		}
	}
	return m
}()

// checkInstanceAddress checks a PrivateIpAddress as AWS does: inside the
// subnet, not one of the five addresses AWS reserves, and free.
func checkInstanceAddress(tx *store.Tx, s *config.SubnetFile, ip string) error {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is4() {
		return apierr.Param("PrivateIpAddress", "Invalid value '%s' for PrivateIpAddress: not an IPv4 address", ip)
	}
	pfx, err := netip.ParsePrefix(s.CIDRBlock)
	if err != nil || !pfx.Contains(a) {
		return apierr.Param("PrivateIpAddress", "Address %s does not fall within the subnet's address range (%s)", ip, s.CIDRBlock)
	}
	first := pfx.Masked().Addr()
	reserved := a == first || a == first.Next() || a == first.Next().Next() || a == first.Next().Next().Next() || !pfx.Contains(a.Next())
	if reserved {
		return apierr.Param("PrivateIpAddress", "Address %s is reserved by AWS in subnet %s (%s): the first four and the last address", ip, s.ID, s.CIDRBlock)
	}
	if usedAddresses(tx)[ip] {
		return apierr.Coded(apierr.InvalidParameter, "InvalidIPAddress.InUse", 400, "Address %s is in use.", ip)
	}
	return nil
}

type instancesOut struct {
	Reservations []Reservation `xml:"reservationSet>item"`
	NextToken    string        `xml:"nextToken,omitempty"`
}

func (h *Handler) describeInstances(ctx context.Context, p params) (instancesOut, error) {
	st, n := h.Store.Snapshot()
	items, next, err := describe(p, instanceShapes(st, n), "InstanceId", func(x Instance) string { return x.InstanceId }, func(x Instance) attrs {
		a := attrs{values: map[string][]string{"instance-id": {x.InstanceId}, "vpc-id": {x.VpcId}, "subnet-id": {x.SubnetId},
			"private-ip-address": {x.PrivateIpAddress}, "private-dns-name": {x.PrivateDnsName}, "instance-state-name": {x.State.Name},
			"instance-state-code": {strconv.Itoa(x.State.Code)}, "image-id": {x.ImageId}, "instance-type": {x.InstanceType},
			"availability-zone": {x.Placement.AvailabilityZone}, "reservation-id": {x.reservation}, "client-token": {x.ClientToken},
			"instance.group-id": nil, "network-interface.addresses.private-ip-address": {x.PrivateIpAddress}}, tags: tagValues(x.Tags)}
		for _, g := range x.SecurityGroups {
			a.values["instance.group-id"] = append(a.values["instance.group-id"], g.GroupId)
		}
		return a
	}, instanceNotFound)
	if err != nil {
		return instancesOut{}, err
	}
	return instancesOut{Reservations: reservations(items, n.AccountID), NextToken: next}, nil
}

type instanceStateChange struct {
	InstanceId    string        `xml:"instanceId"`
	CurrentState  instanceState `xml:"currentState"`
	PreviousState instanceState `xml:"previousState"`
}

type terminateOut struct {
	TerminatingInstances []instanceStateChange `xml:"instancesSet>item"`
}

// terminateInstances removes the instances from the network at once (the
// resolver stops answering their names) and keeps them, terminated, in the
// side records. Terminating a terminated instance again succeeds, as on AWS.
func (h *Handler) terminateInstances(ctx context.Context, p params) (terminateOut, error) {
	ids := p.strings("InstanceId")
	if len(ids) == 0 {
		return terminateOut{}, apierr.Missing("InstanceId")
	}
	var out terminateOut
	_, _, err := h.Store.Update(ctx, instanceFields, func(tx *store.Tx) error {
		out.TerminatingInstances = nil
		for _, id := range ids {
			found := false
			for i := range tx.File.VPCs {
				v := &tx.File.VPCs[i]
				j := slices.IndexFunc(v.Instances, func(in config.InstanceFile) bool { return in.ID == id })
				if j < 0 {
					continue
				}
				found = true
				o := object(tx, id, store.KindInstance)
				if o.VPC == "" {
					o.VPC = v.ID
				}
				if o.PrivateIP == "" && len(v.Instances[j].PrivateIPs) > 0 {
					o.PrivateIP = v.Instances[j].PrivateIPs[0]
				}
				if s := subnetHolding(v, o.PrivateIP); o.Subnet == "" && s != nil {
					o.Subnet = s.ID
				}
				o.State, o.Modified = stateTerminated.Name, tx.Now
				v.Instances = slices.Delete(v.Instances, j, j+1)
				out.TerminatingInstances = append(out.TerminatingInstances, instanceStateChange{InstanceId: id, CurrentState: stateShuttingDown, PreviousState: stateRunning})
			}
			if found {
				continue
			}
			if o := tx.Meta.Objects[id]; o != nil && o.Kind == store.KindInstance && o.State == stateTerminated.Name {
				out.TerminatingInstances = append(out.TerminatingInstances, instanceStateChange{InstanceId: id, CurrentState: stateTerminated, PreviousState: stateTerminated})
				continue
			}
			return instanceNotFound(id)
		}
		return nil
	})
	if err != nil {
		return terminateOut{}, err
	}
	return out, nil
}
