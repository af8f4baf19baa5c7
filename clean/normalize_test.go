package clean

import (
	"strings"
	"testing"
)

// TestNormalizeRoleKaggle checks that NormalizeRole keeps every Kaggle
// role name (apart from white space), is idempotent on them, and gives
// the 376 roles 376 distinct keys.
func TestNormalizeRoleKaggle(t *testing.T) {
	roles := readKaggleSkills(t)
	keys := map[string]string{}
	for _, rs := range roles {
		role := rs[0]
		got := NormalizeRole(role)
		if want := strings.Join(strings.Fields(role), " "); got != want {
			t.Errorf("NormalizeRole(%q) = %q; want %q (only white space changed)", role, got, want)
		}
		if again := NormalizeRole(got); again != got {
			t.Errorf("NormalizeRole(%q) = %q; want it unchanged (idempotent)", got, again)
		}
		key := RoleKey(role)
		if other, ok := keys[key]; ok {
			t.Errorf("RoleKey(%q) = RoleKey(%q) = %q; want distinct keys", role, other, key)
		}
		keys[key] = role
		if up := RoleKey(strings.ToUpper(role)); up != key {
			t.Errorf("RoleKey(%q) = %q; want %q, the key of %q", strings.ToUpper(role), up, key, role)
		}
	}
}
