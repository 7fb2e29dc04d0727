package oauth

// Client is an OAuth client the registry knows. Every client known by
// default is public: a command-line tool cannot keep a secret, so none is
// asked for (RFC 8628 §5.6).
type Client struct {
	ID     string
	Name   string   // shown on the approval page
	Scopes []string // what it may ask for
}

// Client IDs known by default.
const (
	// ShipClientID is ship's own client.
	ShipClientID = "27f204dd-816b-470a-bbff-95ce50205373"
	// HexClientID is the Hex client's (mix hex.user auth), as hex.pm
	// registers it, so the real Hex client can log in unchanged.
	HexClientID = "78ea6566-89fd-481e-a1d6-7d9d78eacca8"
)

// DefaultClients are the clients every registry knows.
func DefaultClients() []Client {
	scopes := []string{ScopeAPI, ScopeRead, ScopeWrite, ScopeRepositories}
	return []Client{
		{ID: ShipClientID, Name: "ship", Scopes: scopes},
		{ID: HexClientID, Name: "Hex (mix)", Scopes: scopes},
	}
}

// allows reports whether the client may ask for scope. A client allowed
// `api` may ask for its halves too.
func (c *Client) allows(scope string) bool {
	for _, s := range c.Scopes {
		if s == scope || (s == ScopeAPI && (scope == ScopeRead || scope == ScopeWrite)) {
			return true
		}
	}
	return false
}
