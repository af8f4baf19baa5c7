package recommend

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadUsers feeds arbitrary CSV and JSON Lines users files to ReadUsers: it must not panic,
// and every data line must end up as exactly one person or one failure (never both, never
// neither), with no person holding more than MaxSkills skills or an empty role.
func FuzzReadUsers(f *testing.F) {
	f.Add("csv", "user_id,current_role,skills\na,Data Analyst,SQL;Excel\nb,,Python\n")
	f.Add("csv", "user_id,current_role,skill_1,skill_2\nx,Nurse,BLS,Epic\nx,Nurse,CPR,\n")
	f.Add("csv", "user_id,current_role,skills\n\"ana/../maria\",\"Chef \"\"Head\"\"\",\"a|b|c|d|e|f|g\"\n")
	f.Add("jsonl", `{"user_id":"u1","current_role":"Pilot","skills":["Flying","Navigation"]}`+"\n"+`{"user_id":2,"skills":"x;y"}`+"\n"+`not json`+"\n")
	f.Fuzz(func(t *testing.T, kind, body string) {
		ext := ".csv"
		if kind == "jsonl" {
			ext = ".jsonl"
		}
		path := filepath.Join(t.TempDir(), "users"+ext)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		users, failures, err := ReadUsers(path)
		if err != nil {
			return // a whole-file problem: a clear error, nothing half-read
		}
		rows := map[int64]int{}
		for _, u := range users {
			rows[u.Row]++
			if len(u.Skills) == 0 || len(u.Skills) > MaxSkills || strings.TrimSpace(u.CurrentRole) == "" {
				t.Errorf("user %+v: want 1 to %d skills and a role", u, MaxSkills)
			}
		}
		for _, f := range failures {
			rows[f.Row]++
			if f.Reason == "" {
				t.Errorf("failure %+v has no reason", f)
			}
		}
		for row, n := range rows {
			if n != 1 {
				t.Errorf("row %d is accounted for %d times; want once", row, n)
			}
		}
	})
}
