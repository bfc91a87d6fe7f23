//! The resident's pages (点单): my wishes, posting a wish, and my home grid; the home also leads
//! to 随手拍 and my reports (`crate::pages::orders`).

mod home;
mod new_wish;

pub use home::{HomeGrid, NoLocation, locate, on_path};
pub use new_wish::NewWish;

use haolin_shared::api::User;
use leptos::prelude::*;

use crate::api::wishes::WishFeed;
use crate::components::go;
use crate::components::notices::HomeNotices;
use crate::components::wish_card::WishCard;
use crate::components::wish_list::{WishList, WishListView};
use crate::i18n::MESSAGES;
use crate::route::Route;

/// `/resident`: the resident's home: four large actions (post a wish, my wishes, 随手拍, my
/// reports) and the wishes I posted, live, each with its status in plain words; then the links
/// to the dual check-in and to volunteer service and the time bank.
#[component]
pub fn MyWishes(
    /// The logged-in account.
    me: User,
) -> impl IntoView {
    let my_id = me.id.clone();
    let list = WishList::new(WishFeed::Mine, move |w| w.resident.id == my_id);
    view! {
        <nav class="home-actions" aria-label=MESSAGES.my_wishes>
            <a class="button primary" data-testid="home-new-wish" href=Route::NewWish.href() on:click=go(Route::NewWish)>{MESSAGES.nav_new_wish}</a>
            <a class="button" data-testid="home-my-wishes" href="#my-wishes">{MESSAGES.my_wishes}</a>
            <a class="button primary" data-testid="home-report" href=Route::Report.href() on:click=go(Route::Report)>{MESSAGES.nav_report}</a>
            <a class="button" data-testid="home-my-reports" href=Route::MyReports.href() on:click=go(Route::MyReports)>{MESSAGES.nav_my_reports}</a>
        </nav>
        <HomeNotices/>
        <h1 id="my-wishes">{MESSAGES.my_wishes}</h1>
        <WishListView list testid="my-wishes" paged=true card=|w| view! { <WishCard wish=w words=true/> }/>
        <p class="alt">
            <a href=Route::Checkins.href() data-testid="goto-checkins" on:click=go(Route::Checkins)>{MESSAGES.goto_checkins}</a>
            // Another bundle: a full page load.
            <a href=Route::Volunteer(String::new()).href() data-testid="goto-volunteer">{MESSAGES.nav_volunteer}</a>
        </p>
    }
}
