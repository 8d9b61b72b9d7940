package link

func init() { debugPanics = true }
