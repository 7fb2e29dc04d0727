package publish

// closest returns the candidate nearest to s, or "" when none is within
// maxEdits edits: past that a suggestion is more likely wrong than helpful.
// Ties go to the earlier candidate, so callers list the likelier ones first.
func closest(s string, candidates []string, maxEdits int) string {
	best, bestEdits := "", maxEdits+1
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestEdits {
			best, bestEdits = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range ra {
		cur[0] = i + 1
		for j := range rb {
			cost := 1
			if ra[i] == rb[j] {
				cost = 0
			}
			cur[j+1] = min(prev[j+1]+1, cur[j]+1, prev[j]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
