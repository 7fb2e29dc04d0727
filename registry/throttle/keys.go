package throttle

import (
	"fmt"
	"net/netip"
	"strings"
)

// Key builds a failure key from a kind and its parts joined with colons,
// e.g. Key("otp-user", 12) is "otp-user:12". Only the last part may itself
// contain a colon, or two different keys could read the same.
func Key(kind string, parts ...any) string {
	var b strings.Builder
	b.WriteString(kind)
	for _, p := range parts {
		b.WriteByte(':')
		fmt.Fprint(&b, p)
	}
	return b.String()
}

// IPKey builds the failure key of a client address. An IPv6 client is
// counted by its /64, since one subscriber usually holds a whole /64 and
// could otherwise take a fresh address for every few guesses; IPv4 (also
// when mapped into IPv6) is counted per address. An address with a port
// counts without it; text that is no address is kept as it is.
func IPKey(kind, ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		ap, perr := netip.ParseAddrPort(ip)
		if perr != nil {
			return Key(kind, ip)
		}
		a = ap.Addr()
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return Key(kind, a)
	}
	return Key(kind, netip.PrefixFrom(a, 64).Masked())
}
