// Package joblevel reads a job level from a job title ("Senior Data Analyst" is Senior, "VP of
// Sales" VP) and says whether a move from one level to another is a step up, a lateral move or
// a step down. It also reads a work history ("Data Analyst 2019-2022; Junior Analyst
// 2017-2019") into positions, and O*NET's Job Zones (the preparation an occupation needs, 1 to
// 5) by O*NET-SOC code.
//
// Levels are read from title words only: a title without a level word ("Data Analyst",
// "Registered Nurse") is Mid, an individual contributor without a stated level. Job Zones
// describe occupations, not people: they compare two O*NET occupations (CompareZones), where a
// title's words compare two people's positions.
package joblevel
