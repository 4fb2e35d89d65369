package config

import _ "embed"

// RBACModel is the Casbin model of Piazza's authorisation (RBAC with domains).
//
//go:embed rbac_model.conf
var RBACModel string
