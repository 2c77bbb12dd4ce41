"""The ePaper: the print edition as a page-by-page replica, behind the ePaper benefit."""
