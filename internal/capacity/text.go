package capacity

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vpcdns/vpcdns/internal/config"
)

// WriteText writes the report for people: the sources, the endpoint
// addresses, then one finding per source or address near or at its limit.
func WriteText(w io.Writer, r *Report) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%d query-log record(s) from %s", r.Records, strings.Join(r.Logs, ", "))
	if r.Skipped > 0 {
		fmt.Fprintf(&b, " (%d skipped: no query-log record)", r.Skipped)
	}
	b.WriteString("\n")
	if !r.From.IsZero() {
		fmt.Fprintf(&b, "from %s to %s\n", r.From.Format(time.RFC3339), r.To.Format(time.RFC3339))
	}
	if r.Network != "" {
		fmt.Fprintf(&b, "sources named by %s\n", r.Network)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "Source ENIs to the VPC resolver (limit %s packets/s per ENI)\n", limitText(r.Limits.ENIPacketsPerSecond))
	if len(r.ENIs) == 0 {
		b.WriteString("  none\n")
	} else {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  ENI\tKIND\tVPC\tQUERIES\tTCP\tPTR\tPEAK PKT/S\tP99 PKT/S\tLIMIT\tSTATUS")
		for _, s := range r.ENIs {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", s.ENI, s.Kind, dash(s.VPC), s.Queries, s.TCP, s.PTR,
				s.Packets.Peak, s.Packets.P99, limitText(s.Limit), s.Status)
		}
		tw.Flush()
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "Resolver endpoint addresses (limit %s queries/s per address, %s when tracked)\n",
		limitText(r.Limits.EndpointIPQueriesPerSecond), limitText(r.Limits.EndpointIPTrackedQueriesPerSecond))
	if len(r.EndpointAddresses) == 0 {
		b.WriteString("  none\n")
	} else {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  ENDPOINT\tADDRESS\tDIRECTION\tQUERIES\tPEAK Q/S\tP99 Q/S\tTRACKED\tLIMIT\tSTATUS")
		for _, a := range r.EndpointAddresses {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\n", a.Endpoint, a.Address, dash(a.Direction), a.Queries,
				a.Rate.Peak, a.Rate.P99, yesNo(a.Tracked), limitText(a.Limit), a.Status)
		}
		tw.Flush()
	}
	findings := 0
	for _, s := range r.ENIs {
		if s.Status == StatusOK {
			continue
		}
		if findings == 0 {
			b.WriteString("\nFindings\n")
		}
		findings++
		fmt.Fprintf(&b, "- %s (%s) %s: %d packets/s at %s against the limit of %d per ENI to the VPC resolver%s.\n",
			s.ENI, s.Kind, verb(s.Status, s.Packets.Peak, s.Limit), s.Packets.Peak, s.Packets.PeakAt.Format(time.RFC3339), s.Limit,
			awsFigure(s.Limit, config.DefaultENIPacketsPerSecond))
		if s.Status == StatusAtLimit {
			b.WriteString("  On AWS the packets past the limit are dropped and never reach the query log; on the instance the\n" +
				"  ENA counter linklocal_allowance_exceeded (ethtool -S) counts them.\n")
		}
		if s.TCP > 0 {
			fmt.Fprintf(&b, "  %d of its %d queries came over TCP, which costs several packets a query.\n", s.TCP, s.Queries)
		}
		if s.PTR*2 > s.Queries {
			fmt.Fprintf(&b, "  %d of its %d queries are reverse lookups (PTR): answer the reverse zones you know locally.\n", s.PTR, s.Queries)
		}
		fmt.Fprintf(&b, "  Fix: %s.\n", s.Fix)
	}
	for _, a := range r.EndpointAddresses {
		if a.Status == StatusOK {
			continue
		}
		if findings == 0 {
			b.WriteString("\nFindings\n")
		}
		findings++
		what := "address " + a.Address
		if a.Estimated {
			what = fmt.Sprintf("each of its %d addresses (shared evenly: the log does not say which one)", a.Addresses)
		}
		tracked := "untracked"
		if a.Tracked {
			tracked = "tracked"
		}
		fmt.Fprintf(&b, "- endpoint %s, %s %s: %d queries/s at %s against %d per address (%s connections).\n",
			a.Endpoint, what, verb(a.Status, a.Rate.Peak, a.Limit), a.Rate.Peak, a.Rate.PeakAt.Format(time.RFC3339), a.Limit, tracked)
		fmt.Fprintf(&b, "  Fix: %s.\n", a.Fix)
	}
	if findings == 0 {
		b.WriteString("\nNo ENI and no endpoint address comes near its limit.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// awsFigure names AWS's figure when the limit in force is another.
func awsFigure(limit, aws int) string {
	if limit == aws {
		return " (AWS's)"
	}
	return fmt.Sprintf(" (AWS's is %d)", aws)
}

func verb(status string, peak, limit int) string {
	if peak > limit {
		return "is over its limit"
	}
	if status == StatusAtLimit {
		return "is at its limit"
	}
	return "is near its limit"
}

func limitText(l int) string {
	if l <= 0 {
		return "off"
	}
	return fmt.Sprint(l)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
