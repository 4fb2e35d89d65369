package api

import (
	_ "embed"
	"encoding/json"

	"github.com/gofiber/fiber/v2"
)

// Document is the API's OpenAPI 3 document as written (its servers name
// no host: the served one names the request's site).
//
//go:embed openapi.json
var Document []byte

// openAPI answers the document with its servers set to the site's API
// root, on the site's registered host and scheme.
func (m *Module) openAPI(c *fiber.Ctx) error {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(Document, &doc); err != nil {
		return m.answer(c, err)
	}
	servers, err := json.Marshal([]map[string]string{{"url": m.link(c, Path)}})
	if err != nil {
		return m.answer(c, err)
	}
	doc["servers"] = servers
	return c.JSON(doc)
}
