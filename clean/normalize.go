package clean

import "github.com/skillx/skillx/internal/textnorm"

// NormalizeText is textnorm.NormalizeText: s trimmed, in Unicode NFC, white space collapsed.
func NormalizeText(s string) string { return textnorm.NormalizeText(s) }

// NormalizeRole is textnorm.NormalizeRole: a role name in one case.
func NormalizeRole(s string) string { return textnorm.NormalizeRole(s) }

// RoleKey is textnorm.RoleKey: the case-folded key roles are grouped by.
func RoleKey(s string) string { return textnorm.RoleKey(s) }
