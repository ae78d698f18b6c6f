package browser

import "fyne.io/fyne/v2/widget"

// maxHistory bounds the Back (and Forward) history.
const maxHistory = 200

// pushPlace appends l, keeping the last maxHistory places.
func pushPlace(h []navLocation, l navLocation) []navLocation {
	h = append(h, l)
	if len(h) > maxHistory {
		h = h[len(h)-maxHistory:]
	}
	return h
}

// Back returns to the previous folder; Forward then comes back.
func (v *ObjectsView) Back() {
	if len(v.history) == 0 {
		return
	}
	l := v.history[len(v.history)-1]
	v.history = v.history[:len(v.history)-1]
	v.forward = pushPlace(v.forward, navLocation{v.bucket, v.prefix})
	v.go2(l.bucket, l.prefix)
}

// Forward goes again where Back came from (until another folder is opened).
func (v *ObjectsView) Forward() {
	if len(v.forward) == 0 {
		return
	}
	l := v.forward[len(v.forward)-1]
	v.forward = v.forward[:len(v.forward)-1]
	v.history = pushPlace(v.history, navLocation{v.bucket, v.prefix})
	v.go2(l.bucket, l.prefix)
}

// CanGoBack and CanGoForward tell whether Back and Forward would move.
func (v *ObjectsView) CanGoBack() bool    { return len(v.history) > 0 }
func (v *ObjectsView) CanGoForward() bool { return len(v.forward) > 0 }

// ForwardButton is the toolbar's Forward button.
func (v *ObjectsView) ForwardButton() *widget.Button { return v.fwdBtn }

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}
