package config

// publicZones builds the public hosted zones (public_hosted_zones): a name
// and records (or a zone file), no VPCs. Every VPC whose query reaches the
// internet rule (behaviour.md §3: no rule, private zone or autodefined
// zone is more specific or of the same domain) is answered by the most
// specific public zone that holds the name, as Route 53 answers its public
// zones on the internet. Two public zones of one name are allowed, as on
// Route 53; the first is answered.
func (b *builder) publicZones() {
	for i, zf := range b.f.PublicZones {
		at := index("public_hosted_zones", i)
		z := b.n.PublicZones[i]
		name, nameOK := b.zoneName(field(at, "name"), zf.Name)
		z.Name = name
		if len(zf.VPCs) > 0 {
			b.c.add(field(at, "vpcs"), "", "is not allowed: a public hosted zone is answered on the internet path of every VPC (a zone with vpcs is a private_hosted_zones entry)")
		}
		z.OwnerAccount = b.owner(field(at, "owner_account"), zf.OwnerAccount)
		z.Records = b.zoneContent(at, name, nameOK, zf.ZoneFile, zf.Records, route53Apex)
		z.Sets, b.zoneSets = b.zoneSets, nil
	}
	b.zoneIDs(b.n.PublicZones, "public_hosted_zones")
}
