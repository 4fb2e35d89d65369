package billing

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/client"

	"github.com/piazza-pa/piazza/tenant"
)

// Stripe is the Provider of Stripe's API (version 2023-10-16, stripe-go v76).
type Stripe struct {
	api *client.API
}

// NewStripe returns the provider for secret key key; url is Stripe's API
// ("" for api.stripe.com; stripe-mock's in tests) and hc its HTTP client
// (nil: one with a timeout of 30 seconds).
func NewStripe(key, url string, hc *http.Client) *Stripe {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	cfg := &stripe.BackendConfig{HTTPClient: hc, LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelError},
		MaxNetworkRetries: stripe.Int64(2)}
	if url != "" {
		cfg.URL = stripe.String(url)
	}
	api := &client.API{}
	api.Init(key, &stripe.Backends{API: stripe.GetBackendWithConfig(stripe.APIBackend, cfg),
		Uploads: stripe.GetBackendWithConfig(stripe.UploadsBackend, cfg)})
	return &Stripe{api: api}
}

func params(ctx context.Context, key string) stripe.Params {
	p := stripe.Params{Context: ctx}
	if key != "" {
		p.SetIdempotencyKey(key)
	}
	return p
}

// Prices creates plan p's product with its monthly price and its metered
// prices (members, storage GiB), at no charge per unit: usage is reported
// for the region's invoices to show.
func (s *Stripe) Prices(ctx context.Context, p *tenant.Plan) (tenant.StripePrices, error) {
	var out tenant.StripePrices
	prod, err := s.api.Products.New(&stripe.ProductParams{Params: params(ctx, "piazza-plan-"+strconv.FormatInt(p.ID, 10)),
		Name: stripe.String("Piazza " + p.Name), Metadata: map[string]string{"piazza_plan": p.Slug}})
	if err != nil {
		return out, err
	}
	cur := strings.ToLower(p.Currency)
	month := func(usage string) *stripe.PriceRecurringParams {
		r := &stripe.PriceRecurringParams{Interval: stripe.String("month"), UsageType: stripe.String(usage)}
		if usage == "metered" {
			r.AggregateUsage = stripe.String("last_during_period")
		}
		return r
	}
	for _, x := range []struct {
		dst    *string
		nick   string
		amount int64
		usage  string
	}{{&out.Price, "base", *p.PriceCents, "licensed"}, {&out.Members, "members", 0, "metered"}, {&out.Storage, "storage-gib", 0, "metered"}} {
		pr, err := s.api.Prices.New(&stripe.PriceParams{Params: params(ctx, "piazza-price-"+p.Slug+"-"+x.nick+"-"+strconv.FormatInt(p.ID, 10)),
			Product: stripe.String(prod.ID), Currency: stripe.String(cur), UnitAmount: stripe.Int64(x.amount),
			Nickname: stripe.String(p.Slug + " " + x.nick), Recurring: month(x.usage)})
		if err != nil {
			return out, err
		}
		*x.dst = pr.ID
	}
	return out, nil
}

// Customer creates a's customer.
func (s *Stripe) Customer(ctx context.Context, a *Account) (string, error) {
	cp := &stripe.CustomerParams{Params: params(ctx, "piazza-customer-"+strconv.FormatInt(a.TenantID, 10)),
		Name: stripe.String(a.LegalName), Email: stripe.String(a.InvoiceEmail),
		Metadata: map[string]string{"piazza_tenant": strconv.FormatInt(a.TenantID, 10)}}
	if a.VATNumber != "" {
		cp.TaxIDData = []*stripe.CustomerTaxIDDataParams{{Type: stripe.String("eu_vat"), Value: stripe.String(euVAT(a.VATNumber))}}
	}
	c, err := s.api.Customers.New(cp)
	if err != nil {
		return "", err
	}
	return c.ID, nil
}

// UpdateCustomer sends a's legal name and invoice e-mail to its customer
// and, when vat changed, replaces the customer's EU VAT ids with a's.
func (s *Stripe) UpdateCustomer(ctx context.Context, a *Account, vat bool) error {
	_, err := s.api.Customers.Update(a.CustomerID, &stripe.CustomerParams{Params: params(ctx, ""),
		Name: stripe.String(a.LegalName), Email: stripe.String(a.InvoiceEmail)})
	if err != nil || !vat {
		return err
	}
	lp := &stripe.TaxIDListParams{Customer: stripe.String(a.CustomerID)}
	lp.Context = ctx
	var old []string
	it := s.api.TaxIDs.List(lp)
	for it.Next() {
		if x := it.TaxID(); x.Type == stripe.TaxIDTypeEUVAT {
			old = append(old, x.ID)
		}
	}
	if err := it.Err(); err != nil {
		return err
	}
	for _, id := range old {
		if _, err := s.api.TaxIDs.Del(id, &stripe.TaxIDParams{Params: params(ctx, ""), Customer: stripe.String(a.CustomerID)}); err != nil {
			return err
		}
	}
	if a.VATNumber == "" {
		return nil
	}
	_, err = s.api.TaxIDs.New(&stripe.TaxIDParams{Params: params(ctx, ""), Customer: stripe.String(a.CustomerID),
		Type: stripe.String(string(stripe.TaxIDTypeEUVAT)), Value: stripe.String(euVAT(a.VATNumber))})
	return err
}

// euVAT is an Italian VAT number as an EU VAT id (its country first).
func euVAT(v string) string {
	if strings.HasPrefix(v, "IT") {
		return v
	}
	return "IT" + v
}

// Subscribe subscribes customer to the base price, then adds the metered
// items one by one (so that each item's id is known for its reports).
func (s *Stripe) Subscribe(ctx context.Context, customer string, pr tenant.StripePrices, tenantID int64) (*Subscription, error) {
	sub, err := s.api.Subscriptions.New(&stripe.SubscriptionParams{Params: params(ctx, ""), Customer: stripe.String(customer),
		Items:    []*stripe.SubscriptionItemsParams{{Price: stripe.String(pr.Price)}},
		Metadata: map[string]string{"piazza_tenant": strconv.FormatInt(tenantID, 10)}})
	if err != nil {
		return nil, err
	}
	out := &Subscription{ID: sub.ID, Status: string(sub.Status)}
	for _, x := range []struct {
		dst   *string
		price string
	}{{&out.MembersItem, pr.Members}, {&out.StorageItem, pr.Storage}} {
		it, err := s.api.SubscriptionItems.New(&stripe.SubscriptionItemParams{Params: params(ctx, ""),
			Subscription: stripe.String(sub.ID), Price: stripe.String(x.price)})
		if err != nil {
			return nil, err
		}
		*x.dst = it.ID
	}
	return out, nil
}

// Cancel ends subscription id now.
func (s *Stripe) Cancel(ctx context.Context, id string) error {
	_, err := s.api.Subscriptions.Cancel(id, &stripe.SubscriptionCancelParams{Params: params(ctx, "")})
	return err
}

// Report sets item's usage at at, once per key.
func (s *Stripe) Report(ctx context.Context, item string, quantity int64, at time.Time, key string) error {
	_, err := s.api.UsageRecords.New(&stripe.UsageRecordParams{Params: params(ctx, key), SubscriptionItem: stripe.String(item),
		Quantity: stripe.Int64(quantity), Timestamp: stripe.Int64(at.Unix()), Action: stripe.String("set")})
	return err
}

// Invoices returns customer's upcoming invoice and its last twelve.
func (s *Stripe) Invoices(ctx context.Context, customer string) (*Invoice, []Invoice, error) {
	var next *Invoice
	up, err := s.api.Invoices.Upcoming(&stripe.InvoiceUpcomingParams{Params: params(ctx, ""), Customer: stripe.String(customer)})
	var se *stripe.Error
	switch {
	case err == nil:
		v := invoice(up)
		next = &v
	case !asStripe(err, &se) || se.HTTPStatusCode != http.StatusNotFound:
		return nil, nil, err
	}
	lp := &stripe.InvoiceListParams{Customer: stripe.String(customer)}
	lp.Context = ctx
	lp.Limit = stripe.Int64(12)
	lp.Single = true
	var past []Invoice
	it := s.api.Invoices.List(lp)
	for it.Next() {
		past = append(past, invoice(it.Invoice()))
	}
	return next, past, it.Err()
}

func invoice(i *stripe.Invoice) Invoice {
	at := i.Created
	if i.NextPaymentAttempt > 0 {
		at = i.NextPaymentAttempt
	}
	return Invoice{Number: i.Number, Status: string(i.Status), Currency: strings.ToUpper(string(i.Currency)),
		URL: i.HostedInvoiceURL, AmountCents: i.AmountDue, Date: time.Unix(at, 0).UTC()}
}
