// Package skillsplit splits a job posting's skills text into skill phrases (Split), as the
// clean stage does for every posting and the person benchmark does for LinkedIn's skills
// texts: the source's own items first (line breaks, bullets, list markers), short comma lists
// cut into their parts, and run-on texts split where a new phrase starts. Version changes
// whenever Split changes what it returns.
package skillsplit
