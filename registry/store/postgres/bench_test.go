package postgres_test

func dropSeeds() {}
